package httpapi_test

import (
	"net/http"
	"testing"
	"time"
)

func TestForecastReport(t *testing.T) {
	t.Parallel()
	e := setupTracks(t, "testdata/report-tracks")
	alice := e.rep("alice", "sales", 500)
	bob := e.rep("bob", "sales", 500)
	e.contact("x1", "alice") // welcome: a call tomorrow (2026-W10), then a task a week later
	e.contact("x2", "alice")
	e.must(http.StatusOK, "POST", "/api/enrollments", map[string]any{"track": "mailer", "contacts": []string{"x1"}})  // a letter in two weeks (W12)
	e.must(http.StatusOK, "POST", "/api/enrollments", map[string]any{"track": "handoff", "contacts": []string{"x2"}}) // bob's task in a week (W11)
	sameRows(t, "forecast", e.report(nil, "forecast", ""), []row{
		{"rep": "alice", "week": "2026-W10", "calls": 2.0, "tasks": 0.0, "letters": 0.0},
		{"rep": "bob", "week": "2026-W11", "calls": 0.0, "tasks": 1.0, "letters": 0.0},
		{"rep": "alice", "week": "2026-W12", "calls": 0.0, "tasks": 0.0, "letters": 1.0},
	})
	e.advance(25 * time.Hour) // the calls are made; the welcome tasks are scheduled
	sameRows(t, "forecast a day later", e.report(nil, "forecast", ""), []row{
		{"rep": "alice", "week": "2026-W11", "calls": 0.0, "tasks": 2.0, "letters": 0.0},
		{"rep": "bob", "week": "2026-W11", "calls": 0.0, "tasks": 1.0, "letters": 0.0},
		{"rep": "alice", "week": "2026-W12", "calls": 0.0, "tasks": 0.0, "letters": 1.0},
	})
	sameRows(t, "bob's forecast", e.report(e.as(bob), "forecast", ""), []row{
		{"rep": "bob", "week": "2026-W11", "calls": 0.0, "tasks": 1.0, "letters": 0.0},
	})
	sameRows(t, "alice's forecast of W12", e.report(e.as(alice), "forecast", "from=2026-03-16T00:00:00Z&until=2026-03-23T00:00:00Z"), []row{
		{"rep": "alice", "week": "2026-W12", "calls": 0.0, "tasks": 0.0, "letters": 1.0},
	})
}

func TestTracksReport(t *testing.T) {
	t.Parallel()
	e := setupTracks(t, "testdata/report-tracks")
	e.rep("alice", "sales", 500)
	bob := e.rep("bob", "sales", 500)
	for _, id := range []string{"y1", "y2", "y3"} {
		e.contact(id, "alice")
	}
	// A sale entered two months late: both after-sale calls are skipped as late.
	e.must(http.StatusCreated, "POST", "/api/sales", map[string]any{
		"contact": "y2", "amount": 100, "sold_at": start.AddDate(0, -2, 0).Format(time.RFC3339)})
	e.must(http.StatusOK, "POST", "/api/enrollments", map[string]any{"track": "mailer", "contacts": []string{"y1"}})
	e.advance(25 * time.Hour) // three intro calls done
	e.must(http.StatusCreated, "POST", "/api/opportunities", map[string]any{"contact": "y3", "name": "Deal", "status": "Won"})
	// Two weeks on: two follow-up tasks done, y3's canceled by the win; the
	// letter fails (no letter channel here) and the email after it waits.
	e.advance(13*24*time.Hour + 2*time.Hour)
	sameRows(t, "tracks", e.report(nil, "tracks", ""), []row{
		{"track": "after-sale", "step": "day-4", "channel": "call", "done": 0.0, "skipped": 1.0, "canceled": 0.0, "failed": 0.0, "pending": 0.0},
		{"track": "after-sale", "step": "day-25", "channel": "call", "done": 0.0, "skipped": 1.0, "canceled": 0.0, "failed": 0.0, "pending": 0.0},
		{"track": "mailer", "step": "postcard", "channel": "letter", "done": 0.0, "skipped": 0.0, "canceled": 0.0, "failed": 1.0, "pending": 0.0},
		{"track": "mailer", "step": "news", "channel": "email", "done": 0.0, "skipped": 0.0, "canceled": 0.0, "failed": 0.0, "pending": 1.0},
		{"track": "welcome", "step": "intro-call", "channel": "call", "done": 3.0, "skipped": 0.0, "canceled": 0.0, "failed": 0.0, "pending": 0.0},
		{"track": "welcome", "step": "follow-up", "channel": "task", "done": 2.0, "skipped": 0.0, "canceled": 1.0, "failed": 0.0, "pending": 0.0},
	})
	sameRows(t, "bob's tracks", e.report(e.as(bob), "tracks", ""), []row{})
	// A span counts the touches due in it: the intro calls, on 3 March.
	sameRows(t, "tracks on 3 March", e.report(nil, "tracks", "from=2026-03-03T00:00:00Z&until=2026-03-04T00:00:00Z"), []row{
		{"track": "welcome", "step": "intro-call", "channel": "call", "done": 3.0, "skipped": 0.0, "canceled": 0.0, "failed": 0.0, "pending": 0.0},
	})
}
