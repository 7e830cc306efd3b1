package smtptest

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// WaitTimeout bounds WaitMessages. It only guards against a hung test; a
// passing test never waits for it.
const WaitTimeout = 10 * time.Second

// Message is one message the server accepted.
type Message struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	Data []byte   // the raw message as received, CRLF line endings
	Conn int      // the connection that carried it, numbered from 1 in accept order
	Helo string   // the name the client gave in EHLO or HELO
	UTF8 bool     // MAIL FROM asked for SMTPUTF8
}

// Parse reads the message's header and body with net/mail.
func (m Message) Parse() (*mail.Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, fmt.Errorf("parse message from %s: %w", m.From, err)
	}
	return msg, nil
}

// Option changes how Start sets up a server.
type Option func(*Server)

// WithAuth makes the server offer AUTH PLAIN (without TLS) and refuse mail
// from clients that did not log in with user and pass.
func WithAuth(user, pass string) Option {
	return func(s *Server) { s.user, s.pass = user, pass }
}

// WithTLS makes the server offer STARTTLS with cfg (its certificate).
func WithTLS(cfg *tls.Config) Option {
	return func(s *Server) { s.tls = cfg }
}

// Discard makes the server count messages without keeping their data, for
// benchmarks that send more than fits in memory.
func Discard() Option {
	return func(s *Server) { s.discard = true }
}

// Server is a running test SMTP server. Its methods are safe for concurrent use.
type Server struct {
	srv     *smtp.Server
	ln      net.Listener
	user    string
	pass    string
	discard bool
	tls     *tls.Config

	mu      sync.Mutex
	msgs    []Message
	count   int
	conns   int
	quits   int
	live    map[*numberedConn]struct{}
	faults  faults
	session sessionFaults
	changed chan struct{} // closed and replaced whenever a message arrives
	closed  chan struct{} // closed by Close; ends stalls
	once    sync.Once
}

// Start listens on 127.0.0.1:0, serves SMTP until the test ends and returns
// the server. It fails the test when it cannot listen.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{changed: make(chan struct{}), closed: make(chan struct{}), live: map[*numberedConn]struct{}{}}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	s.ln = &countingListener{Listener: ln, s: s}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "smtptest.localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.TLSConfig = s.tls
	s.srv.EnableSMTPUTF8 = true
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = s.srv.Serve(s.ln) }()
	tb.Cleanup(s.Close)
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is an SMTP_URL for the server: smtp://[user:pass@]host:port?tls=none.
func (s *Server) URL() string {
	auth := ""
	if s.user != "" {
		auth = s.user + ":" + s.pass + "@"
	}
	return "smtp://" + auth + s.Addr() + "?tls=none"
}

// Close stops the server and drops its connections. Start registers it with
// the test's cleanup; calling it earlier simulates a server going away.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
	_ = s.srv.Close()
}

// wait waits d, or less when the server closes.
func (s *Server) wait(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.closed:
	}
}

// Messages returns a copy of the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is the number of messages accepted so far, kept even with Discard.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Connections is the number of connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// WaitMessages waits until at least n messages were accepted and returns
// them. It fails the test after WaitTimeout.
func (s *Server) WaitMessages(tb testing.TB, n int) []Message {
	tb.Helper()
	timeout := time.NewTimer(WaitTimeout)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		got, changed := s.count, s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-timeout.C:
			tb.Fatalf("smtptest: waited %v for %d messages, got %d", WaitTimeout, n, got)
		}
	}
}

// record stores an accepted message and wakes WaitMessages.
func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if !s.discard {
		s.msgs = append(s.msgs, m)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// countingListener numbers the connections it accepts.
type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	l.s.conns++
	nc := &numberedConn{Conn: c, n: l.s.conns, s: l.s}
	l.s.live[nc] = struct{}{}
	return nc, nil
}

// numberedConn remembers its place in accept order.
type numberedConn struct {
	net.Conn
	n int
	s *Server
}

// Write counts the server's replies to QUIT (221) on plain connections.
func (c *numberedConn) Write(b []byte) (int, error) {
	if bytes.HasPrefix(b, []byte("221 ")) {
		c.s.mu.Lock()
		c.s.quits++
		c.s.mu.Unlock()
	}
	return c.Conn.Write(b)
}

// Quits is the number of plain connections the client ended with QUIT.
func (s *Server) Quits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quits
}

// Close closes the connection and forgets it.
func (c *numberedConn) Close() error {
	c.s.mu.Lock()
	delete(c.s.live, c)
	c.s.mu.Unlock()
	return c.Conn.Close()
}

// DropConnections closes every open connection from the server's side, as a
// server does with connections idle for too long. The server keeps listening.
func (s *Server) DropConnections() {
	s.mu.Lock()
	live := make([]*numberedConn, 0, len(s.live))
	for c := range s.live {
		live = append(live, c)
	}
	s.mu.Unlock()
	for _, c := range live {
		_ = c.Close()
	}
}

// normalize is how addresses are compared: without angle brackets, any case.
func normalize(addr string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
}
