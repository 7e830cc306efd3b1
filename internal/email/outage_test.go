package email

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/smtptest"
)

// TestSMTPSessionRefusals: each 5xx that refuses our session is an outage
// of the transport (retried, never the touch's fault, nothing suppressed);
// the same code about the recipient or the message stays the touch's own.
func TestSMTPSessionRefusals(t *testing.T) {
	tests := []struct {
		name   string
		fault  func(*smtptest.Server)
		edit   func(*Config)
		outage bool
	}{
		{"504 to EHLO and HELO", func(s *smtptest.Server) { s.FailHelo(504) }, nil, true},
		{"554 to EHLO", func(s *smtptest.Server) { s.FailHelo(554) }, nil, true},
		{"550 to MAIL FROM", func(s *smtptest.Server) { s.FailNext(smtptest.Mail, 1, 550) }, nil, true},
		{"504 5.5.2 to RCPT (Postfix's delayed HELO check)", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 504) }, nil, true},
		{"530 5.7.0 to RCPT", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 530) }, nil, true},
		{"550 5.1.1 to RCPT is the recipient's", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 550) }, nil, false},
		{"554 5.7.1 to RCPT is the recipient's", func(s *smtptest.Server) { s.FailRcpt("x@example.com", 554) }, nil, false},
		{"554 5.7.1 to DATA is the message's", func(s *smtptest.Server) { s.FailData("x@example.com", 554) }, nil, false},
		{"421 to EHLO is temporary, not an outage", func(s *smtptest.Server) { s.FailHelo(421) }, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			s := newSender(t, srv, tt.edit)
			tt.fault(srv)
			err := s.Send(t.Context(), testMsg(1, "x@example.com"))
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := engine.IsOutage(err); got != tt.outage {
				t.Fatalf("IsOutage = %v, want %v: %v", got, tt.outage, err)
			}
			var sup *engine.SuppressError
			if tt.outage && (engine.IsPermanent(err) || errors.As(err, &sup)) {
				t.Fatalf("an outage must be neither permanent nor a bounce: %v", err)
			}
		})
	}
}

// TestSMTPOutagePausesAndResumes: the first refused session logs one ERROR
// and pauses sending; sends during the backoff fail at once without reaching
// the server; after the backoff one send tries again, and once the server
// accepts, sending resumes with one INFO line and one call of Resumed.
func TestSMTPOutagePausesAndResumes(t *testing.T) {
	srv := smtptest.Start(t)
	clk := clock.NewVirtual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	r := &replies{}
	resumed := make(resumes, 10)
	s := newSender(t, srv, func(c *Config) {
		c.Clock, c.Logger, c.Replies, c.Resumed = clk, slog.New(slog.NewTextHandler(&logs, nil)), r, resumed
	})
	srv.FailHelo(504)
	for i := range 5 {
		if err := s.Send(t.Context(), testMsg(int64(i), "x@example.com")); !engine.IsOutage(err) {
			t.Fatalf("send %d during the outage: %v, want an outage", i, err)
		}
	}
	if n := srv.Connections(); n != 1 {
		t.Fatalf("%d connections during the backoff, want the first alone", n)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "504") {
		t.Fatalf("%d ERROR lines, want one naming the reply:\n%s", n, logs.String())
	}
	clk.Advance(outageFirstRetry)
	if err := s.Send(t.Context(), testMsg(6, "x@example.com")); !engine.IsOutage(err) || srv.Connections() != 2 {
		t.Fatalf("try after the backoff: %v, %d connections; want an outage on a second connection", err, srv.Connections())
	}
	clk.Advance(outageFirstRetry)
	if err := s.Send(t.Context(), testMsg(7, "x@example.com")); !engine.IsOutage(err) || srv.Connections() != 2 {
		t.Fatalf("the backoff doubles: %v, %d connections", err, srv.Connections())
	}
	if n := len(resumed); n != 0 {
		t.Fatalf("Resumed called %d times during the outage", n)
	}
	srv.Clear()
	clk.Advance(outageFirstRetry)
	if err := s.Send(t.Context(), testMsg(8, "x@example.com")); err != nil {
		t.Fatalf("once the server accepts: %v", err)
	}
	if err := s.Send(t.Context(), testMsg(9, "y@example.com")); err != nil || srv.Count() != 2 {
		t.Fatalf("after the outage: %v, %d messages", err, srv.Count())
	}
	if n := len(resumed); n != 1 {
		t.Fatalf("Resumed called %d times once the server accepted, want once", n)
	}
	if got := fmt.Sprint(r.codes); got != "[504 504 250 250]" {
		t.Errorf("replies heard %s: want the refused EHLOs and the two accepted messages, not the sends the pause held back", got)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "level=INFO msg=\"SMTP server accepts our sessions again") {
		t.Fatalf("want one ERROR and the INFO that sending resumed:\n%s", logs.String())
	}
}

// resumes hears the ends of outages.
type resumes chan struct{}

func (r resumes) Resumed() { r <- struct{}{} }

// TestGateBacksOffOnProbesOnly: sends already under way when an outage
// begins come back refused too; they neither log again nor stretch the
// backoff, which doubles only when a probe is refused.
func TestGateBacksOffOnProbesOnly(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clk := clock.NewVirtual(start)
	var logs bytes.Buffer
	g := &gate{clock: clk, log: slog.New(slog.NewTextHandler(&logs, nil)), addr: "relay:25"}
	refusal := &dialError{&textproto.Error{Code: 504, Msg: "5.5.2 need fully-qualified hostname"}}
	for range 4 { // four connections refused at once
		if err := g.done(false, refusal); !engine.IsOutage(err) {
			t.Fatalf("done = %v, want an outage", err)
		}
	}
	if g.backoff != outageFirstRetry || !g.retryAt.Equal(start.Add(outageFirstRetry)) || strings.Count(logs.String(), "level=ERROR") != 1 {
		t.Fatalf("backoff %v until %v, log:\n%s; want the first backoff and one ERROR", g.backoff, g.retryAt, logs.String())
	}
	clk.Advance(outageFirstRetry)
	probe, err := g.admit()
	if !probe || err != nil {
		t.Fatalf("admit after the backoff = %v, %v; want a probe", probe, err)
	}
	if again, err := g.admit(); again || !engine.IsOutage(err) {
		t.Fatalf("a second admit while the probe runs = %v, %v; want held back", again, err)
	}
	_ = g.done(true, refusal)
	if g.backoff != 2*outageFirstRetry {
		t.Fatalf("backoff after a refused probe = %v, want doubled", g.backoff)
	}
}
