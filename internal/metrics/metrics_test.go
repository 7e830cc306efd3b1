package metrics_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/metrics"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
)

// scrape returns what the metrics handler serves.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, err := io.ReadAll(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMetricsCount: outcomes by channel and outcome with their lag, SMTP
// replies by class, lost claims, ticks, and the letters waiting in the
// database by kind, counted when scraped.
func TestMetricsCount(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := t.Context()
	if _, err := pool.Exec(ctx, `WITH c AS (INSERT INTO contacts (email, first_name, status) VALUES ('a@example.com', 'Ann', 'prospect') RETURNING id)
		INSERT INTO letters (contact_id, template, body, printed_at, purged_at)
		SELECT c.id, k, 'Dear Ann', p, NULL FROM c, (VALUES ('birthday-letter', NULL::timestamptz), ('birthday-letter', NULL),
			('thank-you', NULL), ('thank-you', now())) AS v(k, p)`); err != nil {
		t.Fatal(err)
	}
	m := metrics.New(metrics.Options{Letters: allLetters(postgres.NewLetters(pool))})
	due := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	for _, f := range []engine.Finished{
		{Touch: engine.Touch{Channel: tracks.ChannelEmail, State: engine.TouchDone}, Lag: 300 * time.Millisecond},
		{Touch: engine.Touch{Channel: tracks.ChannelEmail, State: engine.TouchDone, Due: due}, Lag: 2 * time.Second},
		{Touch: engine.Touch{Channel: tracks.ChannelCall, State: engine.TouchSkipped}, Lag: 0},
	} {
		m.TouchFinished(f)
	}
	for _, code := range []int{250, 250, 451, 550, 0} {
		m.SMTPReply(code)
	}
	m.ClaimLost(engine.Touch{ID: 7})
	m.ObserveTick(3 * time.Millisecond)
	body := scrape(t, m)
	for _, want := range []string{
		`dripline_touches_total{channel="email",outcome="done"} 2`,
		`dripline_touches_total{channel="call",outcome="skipped"} 1`,
		`dripline_touch_lag_seconds_bucket{le="0.5"} 2`,
		`dripline_touch_lag_seconds_count 3`,
		`dripline_smtp_replies_total{class="2xx"} 2`,
		`dripline_smtp_replies_total{class="4xx"} 1`,
		`dripline_smtp_replies_total{class="5xx"} 1`,
		`dripline_claims_lost_total 1`,
		`dripline_tick_duration_seconds_count 1`,
		`dripline_letters_pending{kind="birthday-letter"} 2`,
		`dripline_letters_pending{kind="thank-you"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// allLetters counts the pile of every owner.
func allLetters(l *postgres.Letters) metrics.LetterCounter {
	return func(ctx context.Context) ([]engine.LetterCount, error) { return l.Counts(ctx, 0) }
}
