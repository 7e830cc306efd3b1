package engine_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// These tests cover what planted bugs showed the suite missed: suppression
// matched whatever the case and spaces of a stored address, a worker whose
// claim was taken over, the default lease, lateness, chaining after a late
// touch, a paused touch handed back, and the first touch in the contact's zone.

// recordingChannel is an email channel that records what it was asked to
// deliver. during, when set, runs inside the first delivery only (another
// worker acting while this one holds the touch).
type recordingChannel struct {
	engine.EmailReach
	mu        sync.Mutex
	delivered []engine.Dispatch
	during    func(ctx context.Context, d engine.Dispatch)
}

func (r *recordingChannel) Deliver(ctx context.Context, d engine.Dispatch) (engine.Outcome, error) {
	r.mu.Lock()
	r.delivered = append(r.delivered, d)
	first, during := len(r.delivered) == 1, r.during
	r.mu.Unlock()
	if first && during != nil {
		during(ctx, d)
	}
	return engine.Outcome{Activity: engine.Activity{Subject: "delivered"}}, nil
}

func (r *recordingChannel) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.delivered)
}

// manual enrolls a contact on a track by hand at the clock's time.
func (f *fixture) manual(c engine.Contact, track string) {
	f.t.Helper()
	res, err := f.eng.HandleEvent(f.ctx, engine.Event{ContactID: c.ID, Name: "manual", Track: track, At: f.clock.Now()})
	if err != nil || len(res.Enrolled) != 1 {
		f.t.Fatalf("manual enrollment on %s = %+v, %v", track, res, err)
	}
}

// queueOne hands the one touch due by now to the queue and returns its id.
func (f *fixture) queueOne() int64 {
	f.t.Helper()
	batch, err := f.store.QueueDue(f.ctx, f.clock.Now(), f.clock.Now().Add(time.Microsecond), 10)
	if err != nil || len(batch) != 1 {
		f.t.Fatalf("QueueDue = %+v, %v; want one touch", batch, err)
	}
	return batch[0].ID
}

func TestSuppressionMatchesStoredAddressWhateverItsCaseAndSpaces(t *testing.T) {
	t.Parallel()
	mail := &recordingChannel{}
	f := setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: mail})
	dana := f.contact("dana@example.com")
	// stored as typed into the CRM, as an import may keep it
	if _, err := f.store.Pool().Exec(f.ctx, `UPDATE contacts SET email = ' Dana@Example.COM ' WHERE id = $1`, dana.ID); err != nil {
		t.Fatal(err)
	}
	other := f.contact("other@example.com")
	err := f.store.Tx(f.ctx, func(tx engine.Tx) error {
		return tx.Suppress(f.ctx, "dana@example.com", engine.SuppressUnsubscribe, "test", f.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	f.manual(dana, "bench-email")
	f.manual(other, "bench-email")
	f.runUntil(f.clock.Now().Add(time.Hour))

	if ts := f.touches(dana); len(ts) != 1 || ts[0].State != engine.TouchSkipped || ts[0].Reason != "suppressed: unsubscribe" {
		t.Fatalf("Dana's email touch = %+v, want skipped: suppressed: unsubscribe", ts)
	}
	if n := f.count(`SELECT count(*) FROM enrollments WHERE contact_id = $1 AND state = 'completed'`, dana.ID); n != 1 {
		t.Fatalf("Dana's enrollment did not move on past the skipped touch")
	}
	if ts := f.touches(other); len(ts) != 1 || ts[0].State != engine.TouchDone {
		t.Fatalf("the other contact's touch = %+v, want done", ts)
	}
	if mail.count() != 1 || mail.delivered[0].Contact.ID != other.ID {
		t.Fatalf("delivered %d emails, want only the other contact's", mail.count())
	}
}

func TestDefaultLeaseIsTwoMinutes(t *testing.T) {
	t.Parallel()
	var lease time.Duration
	var f *fixture
	mail := &recordingChannel{during: func(ctx context.Context, d engine.Dispatch) {
		var until time.Time
		if err := f.store.Pool().QueryRow(ctx, `SELECT lease_until FROM touches WHERE id = $1`, d.Touch.ID).Scan(&until); err != nil {
			f.t.Error(err)
		}
		lease = until.Sub(f.clock.Now())
	}}
	f = setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: mail})
	f.manual(f.contact("pat@example.com"), "bench-email")
	if err := f.eng.Process(f.ctx, f.queueOne()); err != nil {
		t.Fatal(err)
	}
	if lease != 2*time.Minute {
		t.Fatalf("a claimed touch is leased for %s, want the default 2m0s", lease)
	}
}

// TestTakenOverWorkerRecordsNothing: a worker whose lease ran out while it
// delivered finds that another worker claimed and finished the touch; its own
// outcome is not recorded and the track moves on once.
func TestTakenOverWorkerRecordsNothing(t *testing.T) {
	t.Parallel()
	var f *fixture
	mail := &recordingChannel{during: func(ctx context.Context, d engine.Dispatch) {
		f.clock.Advance(2*time.Minute + time.Second) // the first lease has ended
		if err := f.eng.Process(ctx, d.Touch.ID); err != nil {
			f.t.Error(err)
		}
	}}
	f = setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: mail})
	c := f.contact("pat@example.com")
	f.manual(c, "bench-email")
	id := f.queueOne()
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if mail.count() != 2 {
		t.Fatalf("%d deliveries, want 2 (the second worker took the expired claim)", mail.count())
	}
	if tc := f.stored(id); tc.State != engine.TouchDone || tc.Attempts != 2 {
		t.Fatalf("touch = %s after %d attempts, want done by attempt 2", tc.State, tc.Attempts)
	}
	if n := f.count(`SELECT count(*) FROM activities WHERE touch_id = $1`, id); n != 1 {
		t.Fatalf("%d activities for the touch, want 1: the first worker's outcome counted too", n)
	}
	if n := f.count(`SELECT count(*) FROM enrollments WHERE contact_id = $1 AND state = 'completed'`, c.ID); n != 1 {
		t.Fatalf("%d completed enrollments, want 1", n)
	}
}

// TestClaimWithinLeaseIsNotTakenOver: a second delivery while the lease
// holds does nothing.
func TestClaimWithinLeaseIsNotTakenOver(t *testing.T) {
	t.Parallel()
	var f *fixture
	mail := &recordingChannel{during: func(ctx context.Context, d engine.Dispatch) {
		f.clock.Advance(2*time.Minute - time.Second)
		if err := f.eng.Process(ctx, d.Touch.ID); err != nil {
			f.t.Error(err)
		}
	}}
	f = setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: mail})
	f.manual(f.contact("pat@example.com"), "bench-email")
	id := f.queueOne()
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if mail.count() != 1 {
		t.Fatalf("%d deliveries, want 1: the lease still held", mail.count())
	}
	if tc := f.stored(id); tc.State != engine.TouchDone || tc.Attempts != 1 {
		t.Fatalf("touch = %s after %d attempts, want done by attempt 1", tc.State, tc.Attempts)
	}
}

// TestRequeuedWhileDeliveringIsNotFinished: the reconciler put the touch back
// in the queue after the lease ran out; the late worker must not finish a
// touch that is no longer running. The next worker carries it out.
func TestRequeuedWhileDeliveringIsNotFinished(t *testing.T) {
	t.Parallel()
	var f *fixture
	mail := &recordingChannel{during: func(ctx context.Context, d engine.Dispatch) {
		f.clock.Advance(3 * time.Minute)
		got, err := f.store.Requeue(ctx, f.clock.Now().Add(-2*time.Minute), f.clock.Now(), 10)
		if err != nil || len(got) != 1 {
			f.t.Errorf("Requeue = %+v, %v; want the running touch", got, err)
		}
	}}
	f = setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: mail})
	c := f.contact("pat@example.com")
	f.manual(c, "bench-email")
	id := f.queueOne()
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if tc := f.stored(id); tc.State != engine.TouchQueued {
		t.Fatalf("touch = %s, want queued: the late worker finished a requeued touch", tc.State)
	}
	if n := f.count(`SELECT count(*) FROM activities WHERE touch_id = $1`, id); n != 0 {
		t.Fatalf("%d activities recorded by the late worker, want 0", n)
	}
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if tc := f.stored(id); tc.State != engine.TouchDone || tc.Attempts != 2 {
		t.Fatalf("touch = %s after %d attempts, want done by attempt 2", tc.State, tc.Attempts)
	}
}

func TestLateSaleIsSkippedAndRecentOneSent(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	now := f.clock.Now() // Monday 2026-01-05 17:00 UTC; the limit is 72h
	tests := []struct {
		name  string
		sold  time.Time // day-4 is due 4 days later, inside the window in Los Angeles
		state engine.TouchState
		why   string
	}{
		{"71h late", time.Date(2025, 12, 29, 18, 0, 0, 0, time.UTC), engine.TouchDone, ""},
		{"72h late", time.Date(2025, 12, 29, 17, 0, 0, 0, time.UTC), engine.TouchDone, ""},
		{"95h late", time.Date(2025, 12, 28, 18, 0, 0, 0, time.UTC), engine.TouchSkipped,
			"late: due 2026-01-01T18:00:00Z, already past when scheduled"},
	}
	contacts := make([]engine.Contact, len(tests))
	for i, tt := range tests {
		contacts[i] = f.contact(strings.ReplaceAll(tt.name, " ", "") + "@example.com")
		if _, err := f.eng.HandleEvent(f.ctx, engine.Event{ContactID: contacts[i].ID, Name: "sale.closed", At: tt.sold}); err != nil {
			t.Fatal(err)
		}
	}
	f.runUntil(now)
	for i, tt := range tests {
		ts := f.touches(contacts[i])
		if len(ts) < 3 {
			t.Fatalf("%s: touches = %+v, want day-4, its letter and day-25", tt.name, ts)
		}
		for _, tc := range ts[:2] { // day-4 and day-4-letter share the due time
			if tc.State != tt.state || tc.Reason != tt.why {
				t.Errorf("%s: %s = %s %q, want %s %q", tt.name, tc.StepID, tc.State, tc.Reason, tt.state, tt.why)
			}
		}
		if ts[2].StepID != "day-25" || ts[2].State != engine.TouchScheduled {
			t.Errorf("%s: after day-4 = %s %s, want day-25 scheduled", tt.name, ts[2].StepID, ts[2].State)
		}
	}
}

// TestLateTouchesKeepThePlan: touches carried out a day late (a worker
// backlog) leave the next steps and the chained track on the plan, counted
// from each touch's due time rather than from when it ran.
func TestLateTouchesKeepThePlan(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	for range 4 {
		batch, err := f.store.QueueDue(f.ctx, f.clock.Now(), start.AddDate(0, 2, 0), 1)
		if err != nil || len(batch) != 1 {
			t.Fatalf("QueueDue = %+v, %v", batch, err)
		}
		f.clock.Set(batch[0].Due.Add(26 * time.Hour))
		if err := f.eng.Process(f.ctx, batch[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	got := f.touchLines(c)
	want := []string{
		"nurture/hello@2026-01-05T17:00:00Z:done",
		"nurture/letter@2026-01-07T17:00:00Z:done",
		"nurture/again@2026-01-14T17:00:00Z:done",
		"chained/only@2026-01-15T17:00:00Z:done",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("touches:\n%v\nwant\n%v", got, want)
	}
}

// TestBacklogSkipsNextStepsAlreadyLate: a touch picked up past LateAfter
// (the daemon was down five days) is skipped at send time, and so is the
// next step, already past LateAfter when it is scheduled; the step after
// it, not yet late, stays on the plan.
func TestBacklogSkipsNextStepsAlreadyLate(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	id := f.queueOne()
	f.clock.Set(start.AddDate(0, 0, 5).Add(time.Minute))
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	got := f.touchLines(c)
	want := []string{
		"nurture/hello@2026-01-05T17:00:00Z:skipped",
		"nurture/letter@2026-01-07T17:00:00Z:skipped",
		"nurture/again@2026-01-14T17:00:00Z:scheduled",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("touches:\n%v\nwant\n%v", got, want)
	}
}

// TestPausedTouchGoesBackToScheduled: a touch already queued when its
// enrollment was paused is handed back as scheduled, not left queued, so the
// scheduler picks it up again after Resume.
func TestPausedTouchGoesBackToScheduled(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")
	enID := f.enrollmentID(c)
	f.clock.Set(start.AddDate(0, 0, 1).Add(time.Minute))
	id := f.queueOne()
	if err := f.eng.Pause(f.ctx, enID); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if tc := f.stored(id); tc.State != engine.TouchScheduled || tc.Reason != "enrollment paused" {
		t.Fatalf("paused touch = %s %q, want scheduled: enrollment paused", tc.State, tc.Reason)
	}
	if n := f.count(`SELECT count(*) FROM activities WHERE contact_id = $1`, c.ID); n != 0 {
		t.Fatalf("%d activities while paused, want 0", n)
	}
	if err := f.eng.Resume(f.ctx, enID); err != nil {
		t.Fatal(err)
	}
	if n := len(f.runUntil(f.clock.Now().Add(time.Hour))); n != 1 {
		t.Fatalf("%d touches ran after resume, want the wedge call", n)
	}
}

// TestResumeKeepsTouchesThatAreNotOverdue: resuming before a touch is due
// leaves its due time alone; one that fell due while paused goes out at the
// next opening of the window in the contact's zone.
func TestResumeKeepsTouchesThatAreNotOverdue(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com", func(c *engine.Contact) { c.TimeZone = "Europe/Berlin" })
	f.manual(c, "year")
	enID := f.enrollmentID(c)
	f.runUntil(time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)) // month-0 done; month-1 due 2026-02-06
	pauseResume := func() {
		t.Helper()
		if err := f.eng.Pause(f.ctx, enID); err != nil {
			t.Fatal(err)
		}
		if err := f.eng.Resume(f.ctx, enID); err != nil {
			t.Fatal(err)
		}
	}
	pauseResume()
	if due := f.touches(c)[1].Due.UTC().Format(time.RFC3339); due != "2026-02-06T08:00:00Z" {
		t.Fatalf("resume moved a touch that was not overdue to %s", due)
	}
	f.clock.Set(time.Date(2026, 2, 7, 12, 0, 0, 0, time.UTC)) // Saturday, past its due
	pauseResume()
	if due := f.touches(c)[1].Due.UTC().Format(time.RFC3339); due != "2026-02-09T08:00:00Z" {
		t.Fatalf("resumed overdue touch due %s, want Monday 09:00 in Berlin (08:00 UTC)", due)
	}
}

// TestFirstTouchInContactsZone: the year track's window is in the contact's
// zone; enrolled at 18:00 in Berlin, the first touch waits for 09:00 there,
// and the next counts its month in Berlin too.
func TestFirstTouchInContactsZone(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com", func(c *engine.Contact) { c.TimeZone = "Europe/Berlin" })
	f.manual(c, "year") // Monday 17:00 UTC: 09:00 in the fallback Los Angeles, 18:00 in Berlin
	ts := f.touches(c)
	if due := ts[0].Due.UTC().Format(time.RFC3339); due != "2026-01-06T08:00:00Z" {
		t.Fatalf("first touch due %s, want Tuesday 09:00 in Berlin (08:00 UTC)", due)
	}
	f.runUntil(time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC))
	if ts = f.touches(c); len(ts) != 2 || ts[1].Due.UTC().Format(time.RFC3339) != "2026-02-06T08:00:00Z" {
		t.Fatalf("touches = %+v, want the second due Friday 2026-02-06 09:00 in Berlin", ts)
	}
}

// TestLetterWithoutCityIsUnmailable: a letter to a contact with a street but
// no city (or a city but no street) is filed on the unmailable list with what
// is missing, not in the pile to print, and the track moves on.
func TestLetterWithoutCityIsUnmailable(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	noCity := f.contact("nocity@example.com", func(c *engine.Contact) { c.City = "" })
	noStreet := f.contact("nostreet@example.com", func(c *engine.Contact) { c.Street = "" })
	f.event(noCity, "contact.created")
	f.event(noStreet, "contact.created")
	f.runUntil(start.AddDate(0, 0, 3))
	for _, tt := range []struct {
		c    engine.Contact
		want string
	}{{noCity, "no city"}, {noStreet, "no street"}} {
		ts := f.touches(tt.c)
		if len(ts) != 3 || ts[1].StepID != "letter" || ts[1].State != engine.TouchDone {
			t.Fatalf("%s: touches = %+v, want hello, the letter filed and the next call", tt.c.Email, ts)
		}
		var why string
		if err := f.store.Pool().QueryRow(f.ctx, `SELECT unmailable FROM letters WHERE contact_id = $1`, tt.c.ID).Scan(&why); err != nil {
			t.Fatal(err)
		}
		if why != tt.want {
			t.Errorf("%s: letter unmailable %q, want %q", tt.c.Email, why, tt.want)
		}
	}
}
