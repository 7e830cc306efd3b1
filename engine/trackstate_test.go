package engine_test

import (
	"errors"
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
