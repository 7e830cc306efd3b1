package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/smtptest"
	"github.com/dripline/dripline/templates"
	gomail "github.com/wneessen/go-mail"
	"golang.org/x/time/rate"
)

func newSender(t testing.TB, srv *smtptest.Server, edit func(*Config)) *SMTPSender {
	t.Helper()
	cfg, err := ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.HELO = "dripline.test"
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var (
	testFrom  = &mail.Address{Name: "Marcus Reyes", Address: "mreyes@example.com"}
	testTo    = &mail.Address{Name: "Dana Whitfield", Address: "dana@example.com"}
	testEmail = templates.Email{Subject: "Hello", Text: "Hi there.\n", HTML: "<p>Hi there.</p>"}
)

// testMsg builds a small message to `to` with Message-ID touch-{id}@example.com.
func testMsg(id int64, to string) *gomail.Msg {
	return build(envelope{
		id:          MessageID(id, "example.com"),
		from:        testFrom,
		to:          &mail.Address{Address: to},
		date:        time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		unsubscribe: "https://crm.example.com/u/token",
	}, testEmail)
}

func TestSMTPSends(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	if err := s.Send(t.Context(), testMsg(1, "dana@example.com")); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].From != "mreyes@example.com" || len(msgs[0].To) != 1 || msgs[0].To[0] != "dana@example.com" {
		t.Fatalf("messages = %+v", msgs)
	}
}

func TestSMTPFailures(t *testing.T) {
	tests := []struct {
		name     string
		fault    func(*smtptest.Server)
		permErr  bool
		suppress bool
	}{
		{"4xx on RCPT retries", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 450) }, false, false},
		{"4xx on DATA retries", func(s *smtptest.Server) { s.FailData("x@example.com", 451) }, false, false},
		{"421 retries", func(s *smtptest.Server) { s.FailNext(smtptest.Data, 1, 421) }, false, false},
		{"5xx on DATA fails", func(s *smtptest.Server) { s.FailData("x@example.com", 554) }, true, false},
		{"552 on DATA fails", func(s *smtptest.Server) { s.FailData("x@example.com", 552) }, true, false},
		{"550 5.1.1 on RCPT is a hard bounce", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 550) }, true, true},
		{"553 5.1.3 on RCPT is a hard bounce", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 553) }, true, true},
		{"554 5.7.1 on RCPT fails without suppressing", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 554) }, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			s := newSender(t, srv, nil)
			tt.fault(srv)
			err := s.Send(t.Context(), testMsg(1, "x@example.com"))
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := engine.IsPermanent(err); got != tt.permErr {
				t.Fatalf("IsPermanent = %v, want %v: %v", got, tt.permErr, err)
			}
			if got := engine.IsDeferred(err); got == tt.permErr { // a 4xx defers the message, a 5xx ends it
				t.Fatalf("IsDeferred = %v, want %v: %v", got, !tt.permErr, err)
			}
			var sup *engine.SuppressError
			if got := errors.As(err, &sup); got != tt.suppress {
				t.Fatalf("SuppressError = %v, want %v: %v", got, tt.suppress, err)
			}
			if tt.suppress && (sup.Email != "x@example.com" || sup.Reason != "hard_bounce") {
				t.Fatalf("SuppressError = %+v", sup)
			}
			if srv.Count() != 0 {
				t.Fatalf("%d messages accepted", srv.Count())
			}
			// The connection survives a refused message and carries the next one.
			srv.Clear()
			if err := s.Send(t.Context(), testMsg(2, "y@example.com")); err != nil {
				t.Fatalf("next message: %v", err)
			}
			if tt.name != "421 retries" && srv.Connections() != 1 {
				t.Fatalf("connections = %d, want 1", srv.Connections())
			}
		})
	}
}

func TestSMTPDeliveredDespiteResetFailure(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	srv.DropAfterData(1) // the message is accepted, then the RSET after it fails
	if err := s.Send(t.Context(), testMsg(1, "a@example.com")); err != nil {
		t.Fatalf("an accepted message must count as sent: %v", err)
	}
	if err := s.Send(t.Context(), testMsg(2, "b@example.com")); err != nil {
		t.Fatal(err)
	}
	if srv.Count() != 2 || srv.Connections() != 2 {
		t.Fatalf("count %d connections %d, want 2 and 2", srv.Count(), srv.Connections())
	}
}

func TestSMTPStaleConnection(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	if err := s.Send(t.Context(), testMsg(1, "a@example.com")); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections() // the server's idle timeout
	if err := s.Send(t.Context(), testMsg(2, "b@example.com")); err != nil {
		t.Fatalf("send on a dropped idle connection must redial: %v", err)
	}
	if srv.Count() != 2 || srv.Connections() != 2 {
		t.Fatalf("count %d connections %d, want 2 and 2", srv.Count(), srv.Connections())
	}
}

func TestSMTPDialErrorIsTemporary(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg, _ := ParseURL(fmt.Sprintf("smtp://127.0.0.1:%d?tls=none", port))
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), testMsg(1, "a@example.com"))
	if err == nil || engine.IsPermanent(err) {
		t.Fatalf("dial error = %v, want a temporary error", err)
	}
}

func TestSMTPAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithAuth("dripline", "s3cret"))
	if err := newSender(t, srv, nil).Send(t.Context(), testMsg(1, "a@example.com")); err != nil {
		t.Fatalf("with the right password: %v", err)
	}
	bad := newSender(t, srv, func(c *Config) { c.Password = "wrong" })
	err := bad.Send(t.Context(), testMsg(2, "a@example.com"))
	if err == nil || engine.IsPermanent(err) {
		t.Fatalf("wrong password = %v, want a temporary error", err)
	}
	if srv.Count() != 1 {
		t.Fatalf("count = %d", srv.Count())
	}
}

func TestSMTPReusesConnections(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, func(c *Config) { c.MaxConns = 3 })
	for i := range 10 {
		if err := s.Send(t.Context(), testMsg(int64(i), "a@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	if srv.Connections() != 1 {
		t.Fatalf("10 messages one after another used %d connections, want 1", srv.Connections())
	}
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for i := range 60 {
		wg.Go(func() { errs <- s.Send(t.Context(), testMsg(int64(100+i), "b@example.com")) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if srv.Count() != 70 || srv.Connections() > 3 {
		t.Fatalf("70 messages: %d accepted over %d connections, want 70 over at most 3", srv.Count(), srv.Connections())
	}
}

// countingLimiter counts Wait calls and can refuse.
type countingLimiter struct {
	n   atomic.Int64
	err error
}

func (l *countingLimiter) Wait(context.Context) error {
	l.n.Add(1)
	return l.err
}

func TestSMTPRateLimiter(t *testing.T) {
	srv := smtptest.Start(t)
	lim := &countingLimiter{}
	s := newSender(t, srv, func(c *Config) { c.Limiter = lim })
	for i := range 5 {
		if err := s.Send(t.Context(), testMsg(int64(i), "a@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	if lim.n.Load() != 5 {
		t.Fatalf("limiter waited %d times for 5 messages", lim.n.Load())
	}
	lim.err = context.DeadlineExceeded
	if err := s.Send(t.Context(), testMsg(9, "a@example.com")); err == nil || engine.IsPermanent(err) {
		t.Fatalf("refused by the limiter: %v, want a temporary error", err)
	}
	if srv.Count() != 5 {
		t.Fatalf("count = %d, want 5", srv.Count())
	}
}

func TestSMTPRateFromConfig(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, func(c *Config) { c.RatePerSecond = 2; c.MaxConns = 3 })
	lim, ok := s.limit.(*rate.Limiter)
	if !ok {
		t.Fatalf("limiter %T", s.limit)
	}
	if lim.Limit() != 2 || lim.Burst() != 3 {
		t.Fatalf("limit %v burst %d, want 2 and 3", lim.Limit(), lim.Burst())
	}
}

func TestSMTPCanceledContext(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Send(ctx, testMsg(1, "a@example.com")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want context.Canceled", err)
	}
	if srv.Count() != 0 {
		t.Fatalf("count = %d", srv.Count())
	}
}

func TestSMTPCancelDuringSend(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	reached, release := srv.HoldData(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Send(ctx, testMsg(1, "a@example.com")) }()
	<-reached // the server has the data and has not answered
	cancel()
	err := <-done // returns without waiting for the server or the timeout
	release()
	if !errors.Is(err, context.Canceled) || engine.IsPermanent(err) {
		t.Fatalf("Send = %v, want a temporary error wrapping context.Canceled", err)
	}
	// The connection closed under the send is not reused.
	if err := s.Send(t.Context(), testMsg(2, "b@example.com")); err != nil {
		t.Fatal(err)
	}
	if srv.Connections() != 2 {
		t.Fatalf("connections = %d, want 2", srv.Connections())
	}
}

func TestSMTPClose(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	if err := s.Send(t.Context(), testMsg(1, "a@example.com")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), testMsg(2, "a@example.com")); err == nil {
		t.Fatal("Send after Close succeeded")
	}
}

func TestNewSMTPSenderRefuses(t *testing.T) {
	for _, cfg := range []Config{
		{Port: 25, TLS: TLSNone},
		{Host: "h", Port: 0, TLS: TLSNone},
		{Host: "h", Port: 25, TLS: "ssl"},
	} {
		if _, err := NewSMTPSender(cfg); err == nil {
			t.Errorf("NewSMTPSender(%+v) succeeded", cfg)
		}
	}
}

// replies records the reply codes a sender reports.
type replies struct {
	mu    sync.Mutex
	codes []int
}

func (r *replies) SMTPReply(code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.codes = append(r.codes, code)
}

// TestSMTPReportsReplies: each message's final reply is heard: 250 when
// delivered, the refusing code otherwise, nothing when no reply came.
func TestSMTPReportsReplies(t *testing.T) {
	srv := smtptest.Start(t)
	r := &replies{}
	s := newSender(t, srv, func(c *Config) { c.Replies = r })
	srv.FailRcpt("bad@example.com", 550)
	srv.FailData("later@example.com", 451)
	for i, to := range []string{"dana@example.com", "bad@example.com", "later@example.com"} {
		_ = s.Send(t.Context(), testMsg(int64(i), to))
	}
	dead := newSender(t, srv, func(c *Config) { c.Port = 1; c.Replies = r })
	if err := dead.Send(t.Context(), testMsg(9, "dana@example.com")); err == nil {
		t.Fatal("sent to a closed port")
	}
	if got := fmt.Sprint(r.codes); got != "[250 550 451]" {
		t.Fatalf("replies %s, want [250 550 451]", got)
	}
}

// TestSMTPSessionRefusedIsAnOutage: a 5xx to MAIL FROM refuses our sender,
// not the touch: the send is retried, not failed for good, no address is
// suppressed, and the outage is logged at ERROR. Once the backoff has
// passed, the retry goes out.
func TestSMTPSessionRefusedIsAnOutage(t *testing.T) {
	srv := smtptest.Start(t)
	var logs bytes.Buffer
	clk := clock.NewVirtual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := newSender(t, srv, func(c *Config) { c.Clock, c.Logger = clk, slog.New(slog.NewTextHandler(&logs, nil)) })
	srv.FailNext(smtptest.Mail, 1, 550)
	err := s.Send(t.Context(), testMsg(1, "dana@example.com"))
	var sup *engine.SuppressError
	if !engine.IsOutage(err) || engine.IsPermanent(err) || errors.As(err, &sup) {
		t.Fatalf("Send after a 550 to MAIL FROM = %v; want an outage", err)
	}
	if !strings.Contains(logs.String(), "level=ERROR msg=\"SMTP server refuses our sessions") {
		t.Errorf("no ERROR line for the outage; log:\n%s", logs.String())
	}
	clk.Advance(outageFirstRetry)
	if err := s.Send(t.Context(), testMsg(1, "dana@example.com")); err != nil || srv.Count() != 1 {
		t.Fatalf("retry once the server accepts: %v, %d messages", err, srv.Count())
	}
}
