package smtptest

import (
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Stage is the SMTP command a fault answers.
type Stage int

// The stages a fault can answer.
const (
	Rcpt Stage = iota // RCPT TO: the recipient is refused
	Data              // the final reply to DATA: the message is refused
	Mail              // MAIL FROM: the sender, and so the whole session, is refused
)

// faults are the refusals a test asked for. They are read under Server.mu.
type faults struct {
	rcpt      map[string]int // address → code on every RCPT
	data      map[string]int // address → code on every DATA
	nextRcpt  counted
	nextData  counted
	nextMail  counted
	dropAfter int // connections to drop right after accepting a message
	hangUp    int // messages kept, then their connection closed unanswered
	stall     counted
	hold      *hold // the next DATA waits for the test
}

// hold stops one DATA until the test releases it.
type hold struct {
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

// counted is a code to answer a number of times.
type counted struct{ n, code int }

// take reports the code when there is one left, counting it down.
func (c *counted) take() (int, bool) {
	if c.n <= 0 {
		return 0, false
	}
	c.n--
	return c.code, true
}

// FailRcpt makes every RCPT TO addr answer code (a 4xx or 5xx) until Clear.
func (s *Server) FailRcpt(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.rcpt == nil {
		s.faults.rcpt = map[string]int{}
	}
	s.faults.rcpt[normalize(addr)] = code
}

// FailData makes DATA answer code for every message to addr until Clear.
func (s *Server) FailData(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.data == nil {
		s.faults.data = map[string]int{}
	}
	s.faults.data[normalize(addr)] = code
}

// FailNext makes the next n messages fail at stage with code, whoever they are for.
func (s *Server) FailNext(stage Stage, n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch stage {
	case Rcpt:
		s.faults.nextRcpt = counted{n, code}
	case Mail:
		s.faults.nextMail = counted{n, code}
	default:
		s.faults.nextData = counted{n, code}
	}
}

// DropAfterData makes the server close the connection right after it
// accepted each of the next n messages, before reading another command.
func (s *Server) DropAfterData(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.dropAfter = n
}

// HangUpAfterData makes the server keep each of the next n messages and
// then close the connection without answering the DATA: the client cannot
// tell that the message went through, so a resend is a duplicate it could
// not avoid.
func (s *Server) HangUpAfterData(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.hangUp = n
}

// StallAfterData makes the server keep each of the next n messages and then
// wait d (or until Close) before answering, as a server stuck past the
// client's timeout does. A client that gave up and sends again duplicates
// the message.
func (s *Server) StallAfterData(n int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.stall = counted{n, int(d)}
}

// takeAfterData reports whether this kept message's connection must hang up
// unanswered, and how long the answer must stall.
func (s *Server) takeAfterData() (hangUp bool, stall time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.hangUp > 0 {
		s.faults.hangUp--
		return true, 0
	}
	d, _ := s.faults.stall.take()
	return false, time.Duration(d)
}

// HoldData makes the next message wait, after its data arrived and before
// the server answers, until release is called; reached is closed once it
// waits. A test uses it to act while a client is inside a send. Release is
// also called when the test ends.
func (s *Server) HoldData(tb testing.TB) (reached <-chan struct{}, release func()) {
	h := &hold{reached: make(chan struct{}), release: make(chan struct{})}
	release = func() { h.once.Do(func() { close(h.release) }) }
	tb.Cleanup(release)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.hold = h
	return h.reached, release
}

// takeHold returns the pending hold, if any, and clears it.
func (s *Server) takeHold() *hold {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.faults.hold
	s.faults.hold = nil
	return h
}

// Clear removes every fault.
func (s *Server) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faults{}
	s.session = sessionFaults{}
}

// mailFault is the refusal for the next MAIL FROM, or nil.
func (s *Server) mailFault() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, ok := s.faults.nextMail.take(); ok {
		return Reply(code)
	}
	return nil
}

// rcptFault is the refusal for RCPT TO addr, or nil.
func (s *Server) rcptFault(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, ok := s.faults.rcpt[normalize(addr)]; ok {
		return Reply(code)
	}
	if code, ok := s.faults.nextRcpt.take(); ok {
		return Reply(code)
	}
	return nil
}

// dataFault is the refusal for a message to rcpts, or nil.
func (s *Server) dataFault(rcpts []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rcpts {
		if code, ok := s.faults.data[normalize(r)]; ok {
			return Reply(code)
		}
	}
	if code, ok := s.faults.nextData.take(); ok {
		return Reply(code)
	}
	return nil
}

// takeDrop reports whether the connection must drop after this message.
func (s *Server) takeDrop() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.dropAfter <= 0 {
		return false
	}
	s.faults.dropAfter--
	return true
}

// Reply is the SMTP error the server answers for code, with the enhanced
// status code and text a real server would use for it.
func Reply(code int) *smtp.SMTPError {
	known := map[int]smtp.SMTPError{
		421: {EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "Service not available, closing channel"},
		450: {EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "Mailbox busy, try again later"},
		451: {EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local error, try again later"},
		452: {EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full, try again later"},
		504: {EnhancedCode: smtp.EnhancedCode{5, 5, 2}, Message: "Helo command rejected: need fully-qualified hostname"},
		530: {EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"},
		550: {EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
		552: {EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too big"},
		553: {EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"},
		554: {EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Rejected by policy"},
	}
	r, ok := known[code]
	if !ok {
		r = smtp.SMTPError{EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "Refused by smtptest"}
	}
	r.Code = code
	return &r
}
