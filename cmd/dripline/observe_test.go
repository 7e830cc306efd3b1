package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/internal/queue"
	"github.com/dripline/dripline/internal/redistest"
)

// scrape fetches base+path and returns the status and body.
func scrape(t *testing.T, base, path string) (int, string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// checkObservability: once the daemon delivered emails, /metrics counts
// them by channel and outcome, with their lag, the SMTP replies, the ticks,
// asynq's queues and the Go runtime, and /readyz says every part is ready.
func checkObservability(t *testing.T, base string, emails int) {
	t.Helper()
	n := strconv.Itoa(emails)
	want := []string{
		`dripline_touches_total{channel="email",outcome="done"} ` + n,
		`dripline_touch_lag_seconds_count ` + n,
		`dripline_smtp_replies_total{class="2xx"} ` + n,
		`dripline_tick_duration_seconds_count `,
		`asynq_queue_size{queue="touches-email"`,
		`go_goroutines `,
		`process_open_fds `,
	}
	var body string
	eventually(t, "the metrics count the emails", func() bool {
		_, body = scrape(t, base, "/metrics")
		return strings.Contains(body, want[0])
	}, func() string { return body })
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("/metrics lacks %q", w)
		}
	}
	if code, ready := scrape(t, base, "/readyz"); code != http.StatusOK ||
		ready != `{"ready":true,"checks":{"migrations":"ok","postgres":"ok","redis":"ok"}}`+"\n" {
		t.Errorf("/readyz = %d %s, want 200 and every check ok", code, ready)
	}
}

// readyz asks a daemon runtime over store and redis whether it is ready.
func readyz(t *testing.T, store *postgres.Store, redis asynq.RedisClientOpt) (int, string) {
	t.Helper()
	q, err := queue.New(redis, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	rt := &runtime{store: store, queue: q}
	srv := httptest.NewServer(rt.ready())
	defer srv.Close()
	return scrape(t, srv.URL, "")
}

// TestReadyzNamesWhatIsWrong: /readyz answers 503, saying which part is not
// ready, when Redis does not answer or the database lacks a migration.
func TestReadyzNamesWhatIsWrong(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	store := postgres.New(pool)
	redis, _ := redistest.New(t)
	if code, body := readyz(t, store, redis); code != http.StatusOK {
		t.Fatalf("ready runtime: %d %s", code, body)
	}

	code, body := readyz(t, store, asynq.RedisClientOpt{Addr: "127.0.0.1:1"})
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"ready":false`) ||
		!strings.Contains(body, `"redis":"ping redis: dial tcp 127.0.0.1:1: connect: connection refused"`) ||
		!strings.Contains(body, `"postgres":"ok"`) {
		t.Errorf("Redis down: %d %s, want 503 naming redis", code, body)
	}

	if _, err := pool.Exec(t.Context(), `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	code, body = readyz(t, store, redis)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"migrations":"database `) ||
		!strings.Contains(body, "run `dripline migrate` first") || !strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("migration behind: %d %s, want 503 naming the missing migration", code, body)
	}
}

// TestConnectionBudgetWarning: serve warns when the expected daemons' pools
// exceed what the server lets ordinary roles open, and stays quiet when they
// fit.
func TestConnectionBudgetWarning(t *testing.T) {
	t.Parallel()
	store := postgres.New(pgtest.New(t))
	budget, err := store.ConnectionBudget(t.Context())
	if err != nil || budget.Usable() <= 0 || budget.InUse <= 0 {
		t.Fatalf("budget %+v, %v", budget, err)
	}
	for _, tt := range []struct {
		daemons int
		warn    bool
	}{{1, false}, {budget.Usable()/27 + 1, true}} {
		cfg := serveConfig(t, "--daemons", strconv.Itoa(tt.daemons), "--concurrency", "email=10,letter=2,call=4,task=4")
		var logs bytes.Buffer
		checkConnectionBudget(t.Context(), store, cfg, slog.New(slog.NewTextHandler(&logs, nil)))
		warned := strings.Contains(logs.String(), "level=WARN msg=\"PostgreSQL cannot hold the connections the daemons may open")
		if warned != tt.warn || tt.warn && !strings.Contains(logs.String(), "pool_per_daemon=27") {
			t.Errorf("%d daemons of 27 connections, %d usable: log %q, want a warning: %v", tt.daemons, budget.Usable(), logs.String(), tt.warn)
		}
	}
}
