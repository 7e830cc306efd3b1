package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// TestPauseDuringDeliveryKeepsTheTrack: an enrollment paused while a worker
// carries out its touch gets its next touch scheduled all the same, held
// until Resume; before the fix the track stopped there for good.
func TestPauseDuringDeliveryKeepsTheTrack(t *testing.T) {
	t.Parallel()
	var f *fixture
	var enID int64
	calls := &recordingChannel{during: func(ctx context.Context, d engine.Dispatch) {
		enID = d.Touch.EnrollmentID
		if err := f.eng.Pause(ctx, enID); err != nil {
			f.t.Error(err)
		}
	}}
	f = setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelCall: calls})
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")
	f.runUntil(start.AddDate(0, 3, 0))
	if ts := f.touches(c); len(ts) != 2 || ts[1].StepID != "later" || ts[1].State != engine.TouchScheduled {
		t.Fatalf("touches = %+v; want the wedge done and the later call waiting", ts)
	}
	if calls.count() != 1 {
		t.Fatalf("%d calls while paused, want only the wedge", calls.count())
	}
	if err := f.eng.Resume(f.ctx, enID); err != nil {
		t.Fatal(err)
	}
	f.runUntil(start.AddDate(0, 3, 1))
	if ts := f.touches(c); ts[1].State != engine.TouchDone || calls.count() != 2 {
		t.Fatalf("after resume: later call %s, %d calls; want it done", ts[1].State, calls.count())
	}
}

// TestResumeDuringDeliveryLeavesTheTouchToItsWorker: pausing and resuming
// while a worker carries out an overdue touch must not hand that touch back
// to the scheduler, which would carry it out a second time.
func TestResumeDuringDeliveryLeavesTheTouchToItsWorker(t *testing.T) {
	t.Parallel()
	var f *fixture
	calls := &recordingChannel{during: func(ctx context.Context, d engine.Dispatch) {
		f.clock.Advance(time.Minute) // the touch is overdue now
		if err := f.eng.Pause(ctx, d.Touch.EnrollmentID); err != nil {
			f.t.Error(err)
		}
		if err := f.eng.Resume(ctx, d.Touch.EnrollmentID); err != nil {
			f.t.Error(err)
		}
	}}
	f = setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelCall: calls})
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")
	f.runUntil(start.AddDate(0, 0, 2))
	if ts := f.touches(c); len(ts) != 2 || ts[0].State != engine.TouchDone || calls.count() != 1 {
		t.Fatalf("touches = %+v after %d calls; want the wedge done once and the later call scheduled", ts, calls.count())
	}
}
