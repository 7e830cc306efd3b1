package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestEnrollmentRules(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)

	prospect := f.contact("pat@example.com")
	if got := f.event(prospect, "contact.created").Enrolled; !slices.Equal(got, []string{"nurture"}) {
		t.Fatalf("contact.created enrolled on %v, want [nurture]", got)
	}
	if got := f.event(prospect, "contact.created").Enrolled; len(got) != 0 {
		t.Fatalf("second contact.created while active enrolled on %v, want nothing", got)
	}

	customer := f.contact("cust@example.com", func(c *engine.Contact) { c.Status = engine.StatusCustomer })
	if got := f.event(customer, "contact.created").Enrolled; len(got) != 0 {
		t.Fatalf("customer enrolled on %v; enroll.if wants prospects", got)
	}
	res, err := f.eng.HandleEvent(f.ctx, engine.Event{ContactID: customer.ID, Name: "manual", Track: "nurture"})
	if err != nil || !slices.Equal(res.Enrolled, []string{"nurture"}) {
		t.Fatalf("manual enroll: %v %v; want nurture regardless of enroll.if", res.Enrolled, err)
	}
}

func TestEventEnrollsOnEveryMatchingTrack(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	lawyer := f.contact("counsel@example.com", func(c *engine.Contact) { c.Industry = "Legal" })
	if got := f.event(lawyer, "contact.created").Enrolled; !slices.Equal(got, []string{"legal", "nurture"}) {
		t.Fatalf("legal prospect enrolled on %v, want [legal nurture]", got)
	}
	f.runUntil(start.AddDate(0, 0, 1))
	if n := f.count(`SELECT count(*) FROM enrollments WHERE contact_id = $1 AND track_id = 'nurture'`, lawyer.ID); n != 1 {
		t.Fatalf("the legal track's then: enrolled the contact on nurture again (%d enrollments)", n)
	}
}

func TestManualUnknownTrackChangesNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	_, err := f.eng.HandleEvent(f.ctx, engine.Event{ContactID: c.ID, Name: "manual", Track: "no-such-track"})
	if err == nil {
		t.Fatal("manual enroll on an unknown track: no error")
	}
	if n := f.count(`SELECT count(*) FROM events`); n != 0 {
		t.Fatalf("%d events recorded by a refused event, want 0", n)
	}
}

func TestReenrollPolicies(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")

	f.event(c, "opportunity.lost")
	if got := f.event(c, "opportunity.won").Exited; !slices.Equal(got, []string{"lost"}) {
		t.Fatalf("opportunity.won exited %v, want [lost]", got)
	}
	if got := f.event(c, "opportunity.lost").Enrolled; !slices.Equal(got, []string{"lost"}) {
		t.Fatalf("after-exit: lost again enrolled on %v, want [lost]", got)
	}
	f.runUntil(start.AddDate(0, 3, 0)) // the lost track completes
	if got := f.event(c, "opportunity.lost").Enrolled; len(got) != 0 {
		t.Fatalf("after-exit: enrolled on %v after a completed enrollment, want nothing", got)
	}

	// nurture has reenroll: never; an exit does not open it again.
	f.event(c, "contact.created")
	f.event(c, "opportunity.won")
	if got := f.event(c, "contact.created").Enrolled; len(got) != 0 {
		t.Fatalf("never: enrolled again on %v", got)
	}
}

func TestExitCancelsPendingTouches(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")
	f.clock.Set(start.Add(time.Hour))
	f.event(c, "opportunity.won")

	ts := f.touches(c)
	if len(ts) != 1 || ts[0].State != engine.TouchCanceled || ts[0].Reason != "exit: opportunity.won" {
		t.Fatalf("touches after exit = %+v, want one canceled with reason exit: opportunity.won", ts)
	}
	if n := len(f.runUntil(start.AddDate(1, 0, 0))); n != 0 {
		t.Fatalf("%d touches ran after the exit, want 0", n)
	}
}

func TestAfterSaleDatesAnchorOnTheSale(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	sold := time.Date(2026, 1, 2, 19, 30, 0, 0, time.UTC) // Friday 11:30 in Los Angeles
	if _, err := f.eng.HandleEvent(f.ctx, engine.Event{ContactID: c.ID, Name: "sale.closed", At: sold, Item: "Sea Ray 190"}); err != nil {
		t.Fatal(err)
	}
	f.runUntil(sold.AddDate(2, 0, 0))

	want := []struct {
		step string
		due  string
	}{
		{"day-4", "2026-01-06T19:30:00Z"},        // Tue 11:30 PST
		{"day-4-letter", "2026-01-06T19:30:00Z"}, // same instant, at: 4d
		{"day-25", "2026-01-27T19:30:00Z"},
		{"month-17", "2027-06-02T18:30:00Z"}, // 11:30 PDT on Wed Jun 2
	}
	ts := f.touches(c)
	if len(ts) != len(want) {
		t.Fatalf("got %d touches, want %d: %+v", len(ts), len(want), ts)
	}
	for i, w := range want {
		if ts[i].StepID != w.step || ts[i].Due.UTC().Format(time.RFC3339) != w.due || ts[i].State != engine.TouchDone {
			t.Errorf("touch %d = %s %s %s, want %s %s done", i, ts[i].StepID, ts[i].Due.UTC().Format(time.RFC3339), ts[i].State, w.step, w.due)
		}
	}
	open := f.count(`SELECT count(*) FROM activities a JOIN touches t ON t.id = a.touch_id
		WHERE a.contact_id = $1 AND a.rep_id = $2 AND a.status = 'open' AND t.channel = 'call'`, c.ID, f.rep.ID)
	if open != 3 {
		t.Errorf("%d open call activities for the rep, want 3", open)
	}
	// The thank-you letter waits in the pile: its activity stays open until it is printed.
	if n := f.count(`SELECT count(*) FROM activities a JOIN touches t ON t.id = a.touch_id
		WHERE a.contact_id = $1 AND a.status = 'open' AND a.completed_at IS NULL AND t.channel = 'letter'`, c.ID); n != 1 {
		t.Errorf("%d open letter activities, want 1", n)
	}
	var notes, typ string
	var points int
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT notes, type, points FROM activities WHERE contact_id = $1 ORDER BY id LIMIT 1`, c.ID).Scan(&notes, &typ, &points); err != nil {
		t.Fatal(err)
	}
	if notes != "Sea Ray 190 bought January 2, 2026" {
		t.Errorf("day-4 call notes = %q, want the sale's item and date", notes)
	}
	if typ != "Follow up Call/Email" || points != 1 {
		t.Errorf("day-4 call logged as %q for %d points, want the step's Follow up Call/Email for 1", typ, points)
	}
	if n := f.count(`SELECT count(*) FROM letters WHERE contact_id = $1`, c.ID); n != 1 {
		t.Errorf("%d letters waiting, want 1", n)
	}
}

func TestChainingEnrollsAtLastTouchDue(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	f.runUntil(start.AddDate(0, 1, 0))

	got := f.touchLines(c)
	want := []string{
		"nurture/hello@2026-01-05T17:00:00Z:done",
		"nurture/letter@2026-01-07T17:00:00Z:done",
		"nurture/again@2026-01-14T17:00:00Z:done",
		"chained/only@2026-01-15T17:00:00Z:done", // enrolled at the last touch's due, at: 1d
	}
	if !slices.Equal(got, want) {
		t.Fatalf("touches:\n%v\nwant\n%v", got, want)
	}
	if n := f.count(`SELECT count(*) FROM enrollments WHERE contact_id = $1 AND state = 'completed'`, c.ID); n != 2 {
		t.Fatalf("%d completed enrollments, want 2", n)
	}
}

func TestSameEventTwiceIsHandledOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	sold := time.Date(2026, 1, 2, 19, 30, 0, 0, time.UTC)
	ev := engine.Event{ContactID: c.ID, Name: "sale.closed", At: sold, Item: "Sea Ray 190"}
	first, err := f.eng.HandleEvent(f.ctx, ev)
	if err != nil || len(first.Enrolled) != 1 {
		t.Fatalf("first sale.closed = %+v, %v", first, err)
	}
	f.runUntil(sold.AddDate(3, 0, 0)) // after-sale completes; after-end would allow a new one
	again, err := f.eng.HandleEvent(f.ctx, ev)
	if err != nil || !again.Duplicate || len(again.Enrolled) != 0 {
		t.Fatalf("the same sale.closed again = %+v, %v; want a duplicate that enrolls nobody", again, err)
	}
}
