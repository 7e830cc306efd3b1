package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/httpapi"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5/pgxpool"
)

// start is the virtual time every test begins at: Monday 2 March 2026, 09:00
// in Los Angeles.
var start = time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)

// env is one test's API on its own database, with the real engine on a
// virtual clock and the test tracks of testdata/tracks.
type env struct {
	t       *testing.T
	pool    *pgxpool.Pool
	pg      *postgres.Store
	eng     *engine.Engine
	crm     *crm.Service
	reports *crm.Reports
	clock   *clock.Virtual
	srv     *httptest.Server
}

// setup builds an env for t.
func setup(t *testing.T) *env {
	t.Helper()
	return setupTracks(t, "testdata/tracks")
}

// setupTracks builds an env for t whose engine runs the tracks in dir.
func setupTracks(t *testing.T, dir string) *env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	lib, err := tracks.LoadDir(dir, tracks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, pool: pool, pg: postgres.New(pool), clock: clock.NewVirtual(start)}
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	e.eng, err = engine.New(engine.Config{Store: e.pg, Clock: e.clock, Library: lib, Templates: set,
		Channels: engine.TaskChannels(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.LoadLibrary(ctx); err != nil {
		t.Fatal(err)
	}
	e.crm, err = crm.New(postgres.NewCRM(pool), crm.Options{Sink: e.eng, Clock: e.clock, Library: lib, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.reports, err = crm.NewReports(crm.ReportsConfig{Store: postgres.NewCRM(pool), Library: lib, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(httpapi.New(httpapi.Deps{CRM: e.crm, Engine: e.eng, Reports: e.reports, Logger: log, MaxBody: 4096,
		Actor: func(*http.Request) (crm.Actor, error) { return crm.System, nil }}))
	t.Cleanup(e.srv.Close)
	return e
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// do sends a request with a JSON body (nil for none; a string is sent as
// is) and decodes the JSON answer.
func (e *env) do(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, e.jsonBody(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return e.send(req)
}

// jsonBody is a request body: nil for none, a string as is, anything else
// as JSON.
func (e *env) jsonBody(body any) io.Reader {
	e.t.Helper()
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return strings.NewReader(b)
	}
	buf, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	return bytes.NewReader(buf)
}

// csv posts a CSV file to an import endpoint.
func (e *env) csv(path, body string) (int, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	return e.send(req)
}

func (e *env) send(req *http.Request) (int, map[string]any) {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatalf("%s %s: answer is not a JSON object: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, out
}

// must sends a request and fails the test unless the status is want.
func (e *env) must(want int, method, path string, body any) map[string]any {
	e.t.Helper()
	status, out := e.do(method, path, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %v", method, path, status, want, out)
	}
	return out
}

// advance moves the clock on by d, carrying out each touch when it falls
// due, as the scheduler and the workers would (a touch found days late is
// skipped at send time).
func (e *env) advance(d time.Duration) {
	e.t.Helper()
	until := e.clock.Now().Add(d)
	ctx := context.Background()
	for {
		due, err := e.pg.QueueDue(ctx, e.clock.Now(), until.Add(time.Nanosecond), 1)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(due) == 0 {
			e.clock.Set(until)
			return
		}
		if due[0].Due.After(e.clock.Now()) { // workers carry each touch out when it falls due
			e.clock.Set(due[0].Due)
		}
		if err := e.eng.Process(ctx, due[0].ID); err != nil {
			e.t.Fatalf("process touch %d: %v", due[0].ID, err)
		}
	}
}

// count runs a SELECT count(*) query.
func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// list reads a JSON array of objects from an answer.
func list(out map[string]any, key string) []map[string]any {
	raw, _ := out[key].([]any)
	items := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		m, _ := r.(map[string]any)
		items = append(items, m)
	}
	return items
}
