package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/letters"
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

func TestPointsCountALetterOncePrinted(t *testing.T) {
	t.Parallel()
	e := setupLetters(t)
	alice := e.rep("alice", "sales", 100)
	c := e.must(http.StatusCreated, "POST", "/api/contacts", map[string]any{"external_id": "c-1", "email": "c-1@example.com", "owner": "alice"})
	// A letter touch files its letter with an open activity, as the engine does.
	err := e.pg.Tx(e.t.Context(), func(tx engine.Tx) error {
		a := engine.Activity{ContactID: int64(c["id"].(float64)), RepID: alice.RepID, Type: "Thank You Card",
			Subject: "Letter: thank-you", Status: engine.ActivityOpen}
		if err := tx.CreateActivity(e.t.Context(), &a); err != nil {
			return err
		}
		return tx.CreateLetter(e.t.Context(), &engine.Letter{ContactID: a.ContactID, ActivityID: a.ID, Template: "thank-you",
			Body: "Dear Pat,", CreatedAt: e.clock.Now(), To: letters.Address{Name: "Pat", Street: "1 Main St", City: "Fresno", PostalCode: "93650"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	reports := e.as(crm.System)
	sameRows(t, "points before printing", e.report(reports, "points", ""), []row{
		{"rep": "alice", "month": "2026-03", "earned": 0.0, "quota": 100.0, "percent": 0.0},
	})
	e.clock.Advance(time.Hour)
	e.must(http.StatusCreated, "POST", "/api/letters/print", map[string]any{"all": true})
	sameRows(t, "points once printed", e.report(reports, "points", ""), []row{
		{"rep": "alice", "month": "2026-03", "earned": 1.0, "quota": 100.0, "percent": 1.0},
	})
}
