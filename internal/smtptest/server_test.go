package smtptest_test

import (
	"errors"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/smtptest"
)

func send(t *testing.T, c *smtp.Client, to string) error {
	t.Helper()
	if err := c.Mail("from@example.com"); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte("Subject: hi\r\n\r\nbody\r\n")); err != nil {
		return err
	}
	return w.Close()
}

func dial(t *testing.T, s *smtptest.Server) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func code(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func TestRecordsMessages(t *testing.T) {
	s := smtptest.Start(t)
	c := dial(t, s)
	for _, to := range []string{"a@example.com", "b@example.com"} {
		if err := send(t, c, to); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.WaitMessages(t, 2)
	if len(msgs) != 2 || msgs[1].To[0] != "b@example.com" || msgs[0].From != "from@example.com" {
		t.Fatalf("messages = %+v", msgs)
	}
	m, err := msgs[0].Parse()
	if err != nil || m.Header.Get("Subject") != "hi" {
		t.Fatalf("parse: %v %v", m, err)
	}
	if msgs[0].Conn != 1 || msgs[1].Conn != 1 || s.Connections() != 1 {
		t.Fatalf("want both on connection 1, got %d, %d of %d", msgs[0].Conn, msgs[1].Conn, s.Connections())
	}
	if !strings.HasPrefix(s.URL(), "smtp://127.0.0.1:") || !strings.HasSuffix(s.URL(), "?tls=none") {
		t.Fatalf("URL = %s", s.URL())
	}
}

func TestFaults(t *testing.T) {
	s := smtptest.Start(t)
	c := dial(t, s)
	s.FailRcpt("Gone@Example.com", 550)
	if err := send(t, c, "gone@example.com"); code(err) != 550 {
		t.Fatalf("FailRcpt: got %v", err)
	}
	_ = c.Reset()
	s.FailData("full@example.com", 552)
	if err := send(t, c, "full@example.com"); code(err) != 552 {
		t.Fatalf("FailData: got %v", err)
	}
	s.FailNext(smtptest.Rcpt, 1, 451)
	if err := send(t, c, "x@example.com"); code(err) != 451 {
		t.Fatalf("FailNext rcpt: got %v", err)
	}
	_ = c.Reset()
	s.FailNext(smtptest.Data, 1, 421)
	if err := send(t, c, "x@example.com"); code(err) != 421 {
		t.Fatalf("FailNext data: got %v", err)
	}
	if err := send(t, c, "x@example.com"); err != nil {
		t.Fatalf("after the faults ran out: %v", err)
	}
	s.Clear()
	if err := send(t, c, "gone@example.com"); err != nil {
		t.Fatalf("after Clear: %v", err)
	}
	if s.Count() != 2 {
		t.Fatalf("count = %d, want 2", s.Count())
	}
}

func TestDropAfterData(t *testing.T) {
	s := smtptest.Start(t)
	c := dial(t, s)
	s.DropAfterData(1)
	if err := send(t, c, "a@example.com"); err != nil {
		t.Fatalf("the message itself must be accepted: %v", err)
	}
	if err := c.Noop(); err == nil {
		t.Fatal("connection still open after DropAfterData")
	}
	if s.Count() != 1 {
		t.Fatalf("count = %d", s.Count())
	}
}

func TestDropConnections(t *testing.T) {
	s := smtptest.Start(t)
	c := dial(t, s)
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	s.DropConnections()
	if err := c.Noop(); err == nil {
		t.Fatal("connection still open after DropConnections")
	}
	c2 := dial(t, s)
	if err := send(t, c2, "a@example.com"); err != nil || s.Connections() != 2 {
		t.Fatalf("new connection: %v, connections %d", err, s.Connections())
	}
}

func TestAuth(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithAuth("user", "secret"))
	if !strings.HasPrefix(s.URL(), "smtp://user:secret@127.0.0.1:") {
		t.Fatalf("URL = %s", s.URL())
	}
	c := dial(t, s)
	if err := send(t, c, "a@example.com"); code(err) != 502 {
		t.Fatalf("without auth: got %v", err)
	}
	if err := c.Auth(smtp.PlainAuth("", "user", "secret", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := send(t, c, "a@example.com"); err != nil {
		t.Fatal(err)
	}
}

// A hang-up after DATA keeps the message and leaves the client without an
// answer; the next message on a new connection goes through.
func TestHangUpAfterData(t *testing.T) {
	s := smtptest.Start(t)
	s.HangUpAfterData(1)
	if err := send(t, dial(t, s), "a@example.com"); err == nil {
		t.Fatal("send through a hang-up: no error")
	}
	if err := send(t, dial(t, s), "b@example.com"); err != nil {
		t.Fatalf("after the hang-up: %v", err)
	}
	if s.Count() != 2 {
		t.Fatalf("count = %d, want 2 (the hung-up message is kept)", s.Count())
	}
}

// A stalled answer keeps the message; a client with a deadline gives up
// before the answer, and Close ends the stall.
func TestStallAfterData(t *testing.T) {
	s := smtptest.Start(t)
	s.StallAfterData(1, time.Hour)
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := conn.SetDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := send(t, c, "a@example.com"); err == nil {
		t.Fatal("send through a stall: no error")
	}
	if s.Count() != 1 {
		t.Fatalf("count = %d, want 1 (the stalled message is kept)", s.Count())
	}
	s.Close()
}
