package storetest

import (
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
)

// setTrack sets the case's track to state.
func (e *env) setTrack(state engine.TrackState) {
	e.t.Helper()
	if err := e.s.SetTrackState(e.ctx, track, state, T0); err != nil {
		e.t.Fatal(err)
	}
}

// trackStateHoldsTouches: a paused track's touches wait, queued ones go back
// to scheduled, and all go once the track is active again; the state reads
// back, active when never set.
func trackStateHoldsTouches(e *env) {
	_, queued := e.enroll(T0)
	if ts := e.queue(T0, T0.Add(time.Second)); len(ts) != 1 {
		e.t.Fatalf("QueueDue = %v, want touch %d", ids(ts), queued.ID)
	}
	_, waiting := e.enroll(T0.Add(time.Minute))
	e.checkTrackState(engine.TrackActive)
	e.setTrack(engine.TrackPaused)
	e.checkTrackState(engine.TrackPaused)
	if got := e.touch(queued.ID).State; got != engine.TouchScheduled {
		e.t.Fatalf("a queued touch of a paused track is %s, want scheduled", got)
	}
	if ts := e.queue(T0, T0.Add(time.Hour)); len(ts) != 0 {
		e.t.Fatalf("QueueDue queued %v of a paused track", ids(ts))
	}
	e.setTrack(engine.TrackActive)
	want := fmt.Sprint([]int64{queued.ID, waiting.ID})
	if ts := e.queue(T0, T0.Add(time.Hour)); fmt.Sprint(ids(ts)) != want {
		e.t.Fatalf("after resuming the track QueueDue = %v, want %s", ids(ts), want)
	}
	e.setTrack(engine.TrackRetired)
	e.checkTrackState(engine.TrackRetired)
}

// checkTrackState reads the case's track state in a transaction.
func (e *env) checkTrackState(want engine.TrackState) {
	e.t.Helper()
	var got engine.TrackState
	e.tx(func(tx engine.Tx) (err error) { got, err = tx.TrackState(e.ctx, track); return err })
	if got != want {
		e.t.Fatalf("TrackState = %q, want %q", got, want)
	}
}

// trackStatuses: versions with their open enrollments, and open enrollments
// by the step of their pending touch.
func trackStatuses(e *env) {
	e.enroll(T0)
	ended, _ := e.enroll(T0)
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, ended.ID, engine.EnrollmentCanceled, "test", T0)
	})
	e.saveTrack(track, "hash-2")
	e.setTrack(engine.TrackPaused)
	ss, err := e.s.TrackStatuses(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(ss) != 1 {
		e.t.Fatalf("TrackStatuses = %+v, want one track", ss)
	}
	s := ss[0]
	got := fmt.Sprintf("%s %s v%d:%d v%d:%d %v", s.Track, s.State, s.Versions[0].Version, s.Versions[0].Open,
		s.Versions[1].Version, s.Versions[1].Open, s.OnStep)
	if want := "gi paused v1:1 v2:0 map[welcome:1]"; len(s.Versions) != 2 || got != want {
		e.t.Fatalf("TrackStatuses = %s, want %s", got, want)
	}
}

// overdueEnrollments: the track's active enrollments with a pending touch
// due before the instant, by id; paused and not yet due ones are left out.
func overdueEnrollments(e *env) {
	late, _ := e.enroll(T0)
	e.enroll(T0.Add(time.Hour))
	paused, _ := e.enroll(T0)
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, paused.ID, engine.EnrollmentPaused, "", T0)
	})
	var got []engine.Enrollment
	e.tx(func(tx engine.Tx) (err error) {
		got, err = tx.OverdueEnrollments(e.ctx, track, T0.Add(time.Minute))
		return err
	})
	if len(got) != 1 || got[0].ID != late.ID {
		e.t.Fatalf("OverdueEnrollments = %+v, want only enrollment %d", got, late.ID)
	}
}
