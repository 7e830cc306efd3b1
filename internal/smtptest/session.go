package smtptest

import (
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// backend opens a session for each connection.
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	if err := b.s.heloFault(); err != nil {
		return nil, err
	}
	n := 0
	if nc, ok := c.Conn().(*numberedConn); ok {
		n = nc.n
	}
	return &session{s: b.s, conn: c, n: n}, nil
}

// session is one client connection; it holds the message being received.
type session struct {
	s      *Server
	conn   *smtp.Conn
	n      int
	authed bool
	from   string
	utf8   bool
	to     []string
	drop   bool // close the connection once the current reply is written
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string {
	if s.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || s.s.user == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.s.user || pass != s.s.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.s.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	if err := s.s.mailFault(); err != nil {
		return err
	}
	s.from, s.utf8 = from, opts != nil && opts.UTF8
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.s.rcptFault(to); err != nil {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read data: %w", err)
	}
	if h := s.s.takeHold(); h != nil {
		close(h.reached)
		<-h.release
	}
	if err := s.s.dataFault(s.to); err != nil {
		return err
	}
	s.s.record(Message{From: s.from, To: append([]string(nil), s.to...), Data: data, Conn: s.n, Helo: s.conn.Hostname(), UTF8: s.utf8})
	hangUp, stall := s.s.takeAfterData()
	if hangUp {
		_ = s.conn.Conn().Close()
		return errHungUp
	}
	if stall > 0 {
		s.s.wait(stall)
	}
	s.drop = s.s.takeDrop()
	return nil
}

// errHungUp answers a message whose connection was closed unanswered; the
// reply never reaches the client.
var errHungUp = errors.New("smtptest: hung up after DATA")

// Reset runs on RSET and right after the reply to DATA has been written,
// which is when a requested drop closes the connection.
func (s *session) Reset() {
	s.from, s.to = "", nil
	if s.drop {
		s.drop = false
		_ = s.conn.Conn().Close()
	}
}

func (s *session) Logout() error { return nil }
