package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/redistest"
	"github.com/dripline/dripline/internal/smtptest"
)

// TestServeChecksSMTP: serve tries the SMTP server at start; one that
// refuses our EHLO gets a plain ERROR line naming host:port and the reply,
// and the daemon starts anyway (calls, tasks and letters go on; email waits).
func TestServeChecksSMTP(t *testing.T) {
	t.Parallel()
	_, redisURL := redistest.New(t)
	for _, refuse := range []bool{false, true} {
		mail := smtptest.Start(t)
		if refuse {
			mail.FailHelo(504)
		}
		cfg := serveConfig(t, "--database-url", pgtest.EmptyURL(t), "--redis-url", redisURL, "--smtp-url", mail.URL(),
			"--http-addr", "127.0.0.1:0", "--dev")
		var logs bytes.Buffer
		srv, err := NewServer(context.Background(), cfg, ServerOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatalf("refuse=%v: NewServer: %v", refuse, err)
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		got := logs.String()
		switch {
		case !refuse && (!strings.Contains(got, "level=INFO msg=\"SMTP check passed\"") || mail.Quits() < 1):
			t.Errorf("a working server: want the check passed and a QUIT (%d):\n%s", mail.Quits(), got)
		case refuse && (!strings.Contains(got, "level=ERROR msg=\"SMTP check failed: starting anyway") ||
			!strings.Contains(got, "smtp "+mail.Addr()) || !strings.Contains(got, "504")):
			t.Errorf("a server refusing EHLO: want an ERROR naming %s and the 504:\n%s", mail.Addr(), got)
		}
	}
}
