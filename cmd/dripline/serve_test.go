package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/redistest"
	"github.com/dripline/dripline/internal/smtptest"
)

// serveConfig is the configuration the flags args give, as `dripline serve`
// reads it.
func serveConfig(t *testing.T, args ...string) *config.Config {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := config.Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The daemon end to end: serve migrates a fresh database, the CLI's imports
// enroll two contacts on a Saturday of a virtual clock, and when the clock
// reaches Monday morning in Los Angeles the scheduler, the queue and the
// email channel deliver both welcome emails to a real SMTP server. Then the
// daemon stops and leaves nothing running.
func TestServeDeliversTheFirstEmails(t *testing.T) {
	// Not parallel: it counts the goroutines left behind.
	ctx := context.Background()
	db := pgtest.EmptyURL(t)
	_, redisURL := redistest.New(t)
	mail := smtptest.Start(t)
	cfg := serveConfig(t, "--database-url", db, "--redis-url", redisURL, "--smtp-url", mail.URL(),
		"--http-addr", "127.0.0.1:0", "--tick", "1s", "--business-name", "Harbor IT", "--concurrency", "email=2")
	saturday := time.Date(2026, 1, 3, 12, 0, 0, 0, time.UTC)
	monday := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC) // 09:00 in Los Angeles, the tracks' fallback zone
	clk := clock.NewVirtual(saturday)
	before := goroutines()

	srv, err := NewServer(ctx, cfg, ServerOptions{Clock: clk, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx) }()
	if !strings.HasPrefix(srv.Addr().String(), "127.0.0.1:") || srv.Addr().String() == "127.0.0.1:0" {
		t.Errorf("Addr() = %s, want the port bound on 127.0.0.1", srv.Addr())
	}
	healthy(t, srv.URL())
	pagesServed(t, srv.URL())

	dir := writeFiles(t, map[string]string{
		"contacts.csv": "external_id,email,first_name,status\n" +
			"c-1,ann@example.com,Ann,prospect\n" +
			"c-2,bo@example.com,Bo,suspect\n",
		"events.csv": "contact,event,at,item\nc-2,event.attended,2026-01-03T11:00:00Z,the Lunch and Learn\n",
	})
	importCSVs(t, cfg, clk, filepath.Join(dir, "contacts.csv"), filepath.Join(dir, "events.csv"))
	for _, c := range []string{"c-1", "c-2"} {
		_, out, _ := runDripline(t, "touches", "--contact", c, "--database-url", db)
		if !strings.Contains(out, `"channel":"email","due":"2026-01-05T17:00:00Z","outcome":"pending"`) {
			t.Fatalf("touches of %s before Monday: %s, want an email pending for Monday 17:00Z", c, out)
		}
	}

	clk.Set(monday)
	got := map[string]string{}
	for _, m := range mail.WaitMessages(t, 2) {
		msg, err := m.Parse()
		if err != nil {
			t.Fatal(err)
		}
		got[strings.Join(m.To, ",")] = msg.Header.Get("Subject")
		if m.Helo != "example.com" { // the mail domain, a name servers requiring an FQDN accept
			t.Errorf("EHLO %q, want the mail domain example.com", m.Helo)
		}
	}
	want := map[string]string{
		"ann@example.com": "A quick hello from Harbor IT",
		"bo@example.com":  "Thanks for joining us at the Lunch and Learn",
	}
	for to, subject := range want {
		if got[to] != subject {
			t.Errorf("email to %s: subject %q, want %q (all: %q)", to, got[to], subject, got)
		}
	}
	checkObservability(t, srv.URL(), 2)

	stop()
	if err := <-done; err != nil {
		t.Errorf("Run after its context ended: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if mail.Quits() != mail.Connections() {
		t.Errorf("%d SMTP connections, %d ended with QUIT; want all", mail.Connections(), mail.Quits())
	}
	eventually(t, "the daemon's goroutines end", func() bool { return !leftBehind(before, goroutines()) }, func() string {
		return "left running after Close:\n" + leftStacks(before)
	})
}

// importCSVs runs `dripline contacts import` and `dripline events import`
// on the files, as the commands do, with the daemon's clock.
func importCSVs(t *testing.T, cfg *config.Config, clk *clock.Virtual, contacts, events string) {
	t.Helper()
	ctx := context.Background()
	rt, err := openRuntime(ctx, cfg, runtimeOptions{access: readWrite, clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	for _, step := range []struct {
		imp  csvImport
		path string
	}{{contactsImport, contacts}, {eventsImport, events}} {
		var out, errs bytes.Buffer
		if err := step.imp.file(ctx, rt, step.path, true, &out, &errs); err != nil {
			t.Fatalf("%s import %s: %v, stderr %q", step.imp.what, step.path, err, errs.String())
		}
		t.Logf("%s import: %s", step.imp.what, strings.TrimSpace(out.String()))
	}
}

// pagesServed checks that the daemon serves the web pages: My Day sends a
// visitor without a session to the login form.
func pagesServed(t *testing.T, base string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/myday")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/login?next=%2Fmyday" {
		t.Fatalf("GET /myday without a session = %d to %q, want 303 to the login", resp.StatusCode, loc)
	}
	resp, err = client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`name="password"`)) {
		t.Fatalf("GET /login = %d, %v:\n%s", resp.StatusCode, err, body)
	}
}

// healthy checks that the daemon's HTTP API answers at base.
func healthy(t *testing.T, base string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %s", resp.Status)
	}
}

// testLogger logs to the test's log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// daemonParts are the frames of the goroutines a daemon starts.
var daemonParts = []string{
	"dripline/cmd/dripline.", "dripline/internal/queue.", "dripline/internal/email.", "dripline/engine.",
	"hibiken/asynq", "robfig/cron", "net/http.(*Server)", "net/http.(*conn)", "jackc/pgx", "redis/go-redis", "wneessen/go-mail",
}

// goroutines counts the other goroutines running in each of daemonParts.
func goroutines() map[string]int {
	n := map[string]int{}
	for _, g := range otherStacks() {
		for _, part := range daemonParts {
			if strings.Contains(g, part) {
				n[part]++
			}
		}
	}
	return n
}

// otherStacks returns the stacks of every goroutine but the caller's.
func otherStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := goruntime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(buf[:n]), "\n\n")[1:]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// leftBehind reports whether now has more goroutines of a part than before.
func leftBehind(before, now map[string]int) bool {
	for part, n := range now {
		if n > before[part] {
			return true
		}
	}
	return false
}

// leftStacks lists the stacks of the parts with more goroutines than before.
func leftStacks(before map[string]int) string {
	now := goroutines()
	var out []string
	for _, g := range otherStacks() {
		if slices.ContainsFunc(daemonParts, func(p string) bool { return strings.Contains(g, p) && now[p] > before[p] }) {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

// eventually polls cond until it holds, failing with explain after a
// deadline that only guards against a hang.
func eventually(t *testing.T, what string, cond func() bool, explain func() string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for !cond() {
		select {
		case <-poll.C:
		case <-deadline:
			t.Fatalf("waited 10s for %s: %s", what, explain())
		}
	}
}
