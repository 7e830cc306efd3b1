package engine_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestRetiredTrackEnrollsNobody(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	running := f.contact("running@example.com")
	if got := f.event(running, "contact.created").Enrolled; !slices.Contains(got, "nurture") {
		t.Fatalf("enrolled on %v, want nurture", got)
	}
	if err := f.eng.SetTrackState(f.ctx, "nurture", engine.TrackRetired); err != nil {
		t.Fatal(err)
	}
	late := f.contact("late@example.com")
	if got := f.event(late, "contact.created").Enrolled; slices.Contains(got, "nurture") {
		t.Fatalf("a retired track enrolled a new contact: %v", got)
	}
	bulk := f.contact("bulk@example.com")
	var outs []engine.EventOutcome
	err := f.store.Tx(f.ctx, func(tx engine.Tx) (err error) {
		outs, err = f.eng.HandleEventsIn(f.ctx, tx, []engine.Event{{ContactID: bulk.ID, Name: "contact.created", At: f.clock.Now()}})
		return err
	})
	if err != nil || slices.Contains(outs[0].Enrolled, "nurture") {
		t.Fatalf("HandleEventsIn on a retired track = %+v, %v; want no nurture enrollment", outs, err)
	}
	if n, err := f.eng.EnrollMany(f.ctx, "nurture", []int64{late.ID}); err != nil || n != 0 {
		t.Fatalf("EnrollMany on a retired track = %d, %v; want 0", n, err)
	}
	if done := f.runUntil(start.AddDate(0, 0, 1)); len(done) == 0 {
		t.Fatal("the contact already on the retired track got no touch: running enrollments should finish")
	}
}

func TestPausedTrackHoldsItsTouches(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	if err := f.eng.SetTrackState(f.ctx, "nurture", engine.TrackPaused); err != nil {
		t.Fatal(err)
	}
	if done := f.runUntil(start.Add(time.Hour)); len(done) != 0 {
		t.Fatalf("a paused track's touches went out: %v", done)
	}
	if err := f.eng.SetTrackState(f.ctx, "nurture", engine.TrackActive); err != nil {
		t.Fatal(err)
	}
	if done := f.runUntil(start.Add(2 * time.Hour)); len(done) == 0 {
		t.Fatal("nothing went out after the track was resumed")
	}
	ov, err := f.eng.TrackOverview(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ov, func(s engine.TrackStatus) bool { return s.Track == "nurture" })
	if i < 0 || !ov[i].Loaded || ov[i].State != engine.TrackActive || ov[i].Open() != 1 {
		t.Fatalf("overview of nurture = %+v, want loaded, active, one open enrollment", ov)
	}
	if err := f.eng.SetTrackState(f.ctx, "no-such-track", engine.TrackPaused); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("pausing an unknown track: %v, want ErrNotFound", err)
	}
}

func TestOverviewReportsATrackMissingFromTheLibrary(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	if _, _, err := f.store.SaveTrack(f.ctx, "gone", "hash-gone", []byte("id: gone\n"), "gone.yaml"); err != nil {
		t.Fatal(err)
	}
	en := engine.Enrollment{ContactID: c.ID, TrackID: "gone", TrackVersion: 1, State: engine.EnrollmentActive, Anchor: start, StartedAt: start}
	first := engine.Touch{ContactID: c.ID, TrackID: "gone", TrackVersion: 1, StepID: "hello", Channel: "call", Due: start.Add(time.Hour), State: engine.TouchScheduled}
	if err := f.store.Tx(f.ctx, func(tx engine.Tx) error { return tx.CreateEnrollment(f.ctx, &en, &first) }); err != nil {
		t.Fatal(err)
	}
	ov, err := f.eng.TrackOverview(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, s := range ov {
		if s.Missing() {
			missing = append(missing, s.Track)
		}
	}
	if !slices.Equal(missing, []string{"gone"}) {
		t.Fatalf("missing tracks = %v, want [gone]", missing)
	}
}

func TestResumedTrackSendsInsideItsWindow(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.manual(c, "year") // month-0 due Monday 09:00 in Los Angeles
	if err := f.eng.SetTrackState(f.ctx, "year", engine.TrackPaused); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(time.Date(2026, 1, 10, 20, 0, 0, 0, time.UTC)) // Saturday noon: outside the window
	if err := f.eng.SetTrackState(f.ctx, "year", engine.TrackActive); err != nil {
		t.Fatal(err)
	}
	var due []time.Time
	err := f.store.Tx(f.ctx, func(tx engine.Tx) error {
		ens, err := tx.Enrollments(f.ctx, c.ID, "year")
		if err != nil || len(ens) != 1 {
			return fmt.Errorf("enrollments %v: %w", ens, err)
		}
		ts, err := tx.PendingTouches(f.ctx, ens[0].ID)
		for _, t := range ts {
			due = append(due, t.Due)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	monday := time.Date(2026, 1, 12, 17, 0, 0, 0, time.UTC) // 09:00 in Los Angeles
	if len(due) != 1 || !due[0].Equal(monday) {
		t.Fatalf("after resuming on Saturday the touch is due %v, want the window's next opening %s", due, monday)
	}
}
