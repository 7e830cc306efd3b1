package email

import (
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/smtptest"
)

// TestSMTPUTF8OnlyWhenNeeded: MAIL FROM asks for SMTPUTF8 only for an
// envelope with a non-ASCII address, though the server offers it always.
func TestSMTPUTF8OnlyWhenNeeded(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	ascii, intl := testMsg(1, "dana@example.com"), testMsg(2, "x@example.com")
	intl.SetAddrHeaderFromMailAddress("To", &mail.Address{Address: "dörte@example.com"})
	if err := s.Send(t.Context(), ascii); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), intl); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[0].UTF8 || !msgs[1].UTF8 {
		t.Fatalf("SMTPUTF8 for %v: want only the second, to %v", msgs, msgs[len(msgs)-1].To)
	}
}

// TestSMTPIdleConnectionsQuit: a connection idle for IdleTimeout is ended
// with QUIT before the next message, which opens a fresh one; Close ends
// the rest with QUIT too.
func TestSMTPIdleConnectionsQuit(t *testing.T) {
	srv := smtptest.Start(t)
	clk := clock.NewVirtual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := newSender(t, srv, func(c *Config) { c.Clock, c.IdleTimeout = clk, 30*time.Second })
	send := func(id int64) {
		t.Helper()
		if err := s.Send(t.Context(), testMsg(id, "dana@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	send(1)
	clk.Advance(29 * time.Second)
	send(2)
	if srv.Connections() != 1 || srv.Quits() != 0 {
		t.Fatalf("within the idle timeout: %d connections, %d QUITs; want the one reused", srv.Connections(), srv.Quits())
	}
	clk.Advance(30 * time.Second)
	send(3)
	if srv.Connections() != 2 || srv.Quits() != 1 {
		t.Fatalf("after the idle timeout: %d connections, %d QUITs; want the idle one quit and a new one", srv.Connections(), srv.Quits())
	}
	if err := s.Close(); err != nil || srv.Quits() != 2 {
		t.Fatalf("Close: %v, %d QUITs; want the last connection quit", err, srv.Quits())
	}
}

// TestSMTPCheck: Check connects, greets and quits; a refused EHLO comes back
// naming the server and its reply, and pauses sending as an outage.
func TestSMTPCheck(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	if err := s.Check(t.Context()); err != nil || srv.Quits() != 1 {
		t.Fatalf("Check: %v, %d QUITs", err, srv.Quits())
	}
	srv.FailHelo(504)
	err := s.Check(t.Context())
	if err == nil || !strings.Contains(err.Error(), "smtp "+srv.Addr()+" (none): connect: ") || !strings.Contains(err.Error(), `EHLO response: 504 "5.5.2 Helo command rejected`) {
		t.Fatalf("Check with EHLO refused: %v", err)
	}
	n := srv.Connections()
	if err := s.Send(t.Context(), testMsg(1, "dana@example.com")); !engine.IsOutage(err) || srv.Connections() != n {
		t.Fatalf("Send after a refused check: %v, %d new connections; want an outage without connecting", err, srv.Connections()-n)
	}
	wrong := smtptest.Start(t, smtptest.WithAuth("user", "secret"))
	s = newSender(t, wrong, func(c *Config) { c.Password = "wrong" })
	if err := s.Check(t.Context()); err == nil || !strings.Contains(err.Error(), "535") || !refusesSession(err) {
		t.Fatalf("Check with a wrong password: %v; want the 535, an outage", err)
	}
}

// TestSMTPCloseQuitsLongIdleConnections: Close ends with QUIT even the
// connections whose last send's deadline has passed (go-mail sets one per
// send), which before dropped without a word after their last command.
func TestSMTPCloseQuitsLongIdleConnections(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.Send(t.Context(), testMsg(int64(i), "dana@example.com"))
		}()
	}
	wg.Wait()
	s.mu.Lock()
	for _, ic := range s.idle {
		_ = ic.c.UpdateDeadline(-time.Second) // what a minute in the pool does to it
	}
	s.mu.Unlock()
	if err := s.Close(); err != nil || srv.Quits() != srv.Connections() {
		t.Fatalf("Close: %v; %d of %d connections ended with QUIT", err, srv.Quits(), srv.Connections())
	}
}
