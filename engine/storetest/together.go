package storetest

import (
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// The batch methods the engine's workers use to claim and finish many
// touches at once: each must keep the rules of its one-at-a-time
// counterpart for every touch it is given.

// claimAllOnce: ClaimAll leases the queued touches it is given, each once
// however often it is listed, and none that is final or already held.
func claimAllOnce(e *env) {
	_, a := e.enroll(T0)
	_, b := e.enroll(T0)
	_, final := e.enroll(T0)
	e.queue(T0, T0.Add(time.Second))
	e.tx(func(tx engine.Tx) error {
		return tx.FinishTouch(e.ctx, final.ID, engine.TouchSkipped, "no address", T0)
	})
	got, err := e.s.ClaimAll(e.ctx, []int64{a.ID, final.ID, a.ID, b.ID, 1 << 40}, T0, T0.Add(time.Minute))
	if err != nil {
		e.t.Fatal(err)
	}
	slices.SortFunc(got, func(x, y engine.Touch) int { return int(x.ID - y.ID) })
	if fmt.Sprint(ids(got)) != fmt.Sprint([]int64{a.ID, b.ID}) {
		e.t.Fatalf("ClaimAll = %v, want [%d %d]", ids(got), a.ID, b.ID)
	}
	for _, tc := range got {
		if tc.State != engine.TouchRunning || tc.Attempts != 1 || !tc.LeaseUntil.Equal(T0.Add(time.Minute)) {
			e.t.Errorf("claimed touch = %+v; want running, attempt 1, leased for a minute", tc)
		}
	}
	if again, err := e.s.ClaimAll(e.ctx, []int64{a.ID, b.ID}, T0.Add(time.Second), T0.Add(time.Minute)); err != nil || len(again) != 0 {
		e.t.Fatalf("ClaimAll of held touches = %v, %v; want none", ids(again), err)
	}
	if later, err := e.s.ClaimAll(e.ctx, []int64{b.ID}, T0.Add(2*time.Minute), T0.Add(3*time.Minute)); err != nil || len(later) != 1 || later[0].Attempts != 2 {
		e.t.Fatalf("ClaimAll after the lease ran out = %+v, %v; want the touch, attempt 2", later, err)
	}
}

// workAllReads: WorkAll reads each touch's work as Work does, and leaves out
// a touch whose contact or enrollment does not exist.
func workAllReads(e *env) {
	rep := e.h.AddRep(engine.Rep{Username: "jsmith", Name: "Jane Smith", Email: "jane@example.com", Role: "sales"})
	owned := e.h.AddContact(engine.Contact{Email: " Dana@Example.com", FirstName: "Dana", OwnerID: rep})
	ne := newEnrollment(owned, "", T0)
	e.tx(func(tx engine.Tx) error {
		if err := tx.CreateEnrollment(e.ctx, &ne.Enrollment, &ne.First); err != nil {
			return err
		}
		return tx.Suppress(e.ctx, "dana@example.com", engine.SuppressHardBounce, "550", T0)
	})
	_, alone := e.enroll(T0)
	gone := engine.Touch{ID: 1 << 40, EnrollmentID: 1 << 40, ContactID: 1 << 40}
	ws, err := e.s.WorkAll(e.ctx, []engine.Touch{ne.First, gone, alone})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(ws) != 2 {
		e.t.Fatalf("WorkAll = %d works, want 2 (the missing touch left out): %+v", len(ws), ws)
	}
	for _, tc := range []engine.Touch{ne.First, alone} {
		if fmt.Sprintf("%+v", ws[tc.ID]) != fmt.Sprintf("%+v", e.work(tc)) {
			e.t.Errorf("WorkAll for touch %d = %+v, Work = %+v", tc.ID, ws[tc.ID], e.work(tc))
		}
	}
	if w := ws[ne.First.ID]; w.Owner.ID != rep || w.Suppressed != engine.SuppressHardBounce || ws[alone.ID].Owner.ID != 0 {
		e.t.Errorf("WorkAll = %+v; want the owner and the suppression of the first, no owner for the second", ws)
	}
}

// finishAllClaimed: FinishAllClaimed finishes, and records the Message-ID
// of, only the touches still running under the given claim: not one
// claimed again meanwhile, nor one an exit canceled.
func finishAllClaimed(e *env) {
	_, current := e.claimed()
	_, stale := e.claimed()
	_, canceled := e.claimed()
	if _, ok, err := e.s.Claim(e.ctx, stale.ID, T0.Add(2*time.Minute), T0.Add(3*time.Minute)); err != nil || !ok {
		e.t.Fatalf("reclaim = %v, %v", ok, err)
	}
	e.tx(func(tx engine.Tx) error { return tx.FinishTouch(e.ctx, canceled.ID, engine.TouchCanceled, "exit", T0) })
	at := T0.Add(time.Second)
	e.tx(func(tx engine.Tx) error {
		ok, err := tx.FinishAllClaimed(e.ctx, []engine.ClaimedFinish{
			{ID: current.ID, Attempt: current.Attempts, State: engine.TouchDone, MessageID: "<a@example.com>"},
			{ID: stale.ID, Attempt: stale.Attempts, State: engine.TouchDone, MessageID: "<b@example.com>"},
			{ID: canceled.ID, Attempt: canceled.Attempts, State: engine.TouchFailed, Reason: "bounced"},
		}, at)
		if err == nil && !slices.Equal(ok, []bool{true, false, false}) {
			e.t.Errorf("FinishAllClaimed = %v, want [true false false]", ok)
		}
		return err
	})
	if got := e.touch(current.ID); got.State != engine.TouchDone || got.MessageID != "<a@example.com>" || !got.FinishedAt.Equal(at) || !got.LeaseUntil.IsZero() {
		e.t.Errorf("finished touch = %+v; want done at %s with its message id and no lease", got, at)
	}
	if got := e.touch(stale.ID); got.State != engine.TouchRunning || got.Attempts != 2 || got.MessageID != "" {
		e.t.Errorf("touch claimed again = %+v; want running under the new claim, no message id", got)
	}
	if got := e.touch(canceled.ID); got.State != engine.TouchCanceled || got.Reason != "exit" {
		e.t.Errorf("canceled touch = %+v; want canceled by the exit", got)
	}
}

// writeTogether: CreateTouches and CreateActivities set every id,
// EnrollmentsByID reads those that exist, and SetEnrollmentStates ends
// open enrollments but refuses, with ErrConflict, a list with an ended one.
func writeTogether(e *env) {
	en, first := e.enroll(T0)
	other, _ := e.enroll(T0)
	ended, _ := e.enroll(T0)
	next := []*engine.Touch{
		{EnrollmentID: en.ID, ContactID: en.ContactID, TrackID: track, TrackVersion: 1, StepIndex: 1, StepID: "nudge", Channel: tracks.ChannelEmail, Due: T0.Add(time.Hour)},
		{EnrollmentID: en.ID, ContactID: en.ContactID, TrackID: track, TrackVersion: 1, StepIndex: 2, StepID: "call", Channel: tracks.ChannelCall, Due: T0.Add(2 * time.Hour)},
	}
	acts := []*engine.Activity{
		{ContactID: en.ContactID, TouchID: first.ID, Type: "marketing track email", Status: engine.ActivityDone, Due: T0, CompletedAt: T0},
		{ContactID: other.ContactID, Type: "Marketing Track Task", Subject: "Call Pat", Due: T0},
	}
	var read map[int64]engine.Enrollment
	e.tx(func(tx engine.Tx) (err error) {
		if err := tx.CreateTouches(e.ctx, next); err != nil {
			return err
		}
		if err := tx.CreateActivities(e.ctx, acts); err != nil {
			return err
		}
		if err := tx.SetEnrollmentStates(e.ctx, []int64{ended.ID}, engine.EnrollmentExited, "exit", T0); err != nil {
			return err
		}
		read, err = tx.EnrollmentsByID(e.ctx, []int64{en.ID, ended.ID, 1 << 40})
		return err
	})
	for _, tc := range next {
		if got := e.touch(tc.ID); tc.ID == 0 || got.StepIndex != tc.StepIndex || got.State != engine.TouchScheduled || !got.Due.Equal(tc.Due) {
			e.t.Errorf("created touch %d = %+v; want step %d scheduled at %s", tc.ID, got, tc.StepIndex, tc.Due)
		}
	}
	if acts[0].ID == 0 || acts[1].ID == 0 || acts[0].ID == acts[1].ID || acts[1].Status != engine.ActivityOpen {
		e.t.Errorf("created activities = %+v, %+v; want ids of their own, the second open", *acts[0], *acts[1])
	}
	if len(read) != 2 || read[en.ID].State != engine.EnrollmentActive || read[ended.ID].State != engine.EnrollmentExited {
		e.t.Errorf("EnrollmentsByID = %+v; want the two that exist, as stored", read)
	}
	e.conflict("SetEnrollmentStates with an ended enrollment", func(tx engine.Tx) error {
		return tx.SetEnrollmentStates(e.ctx, []int64{en.ID, ended.ID}, engine.EnrollmentCompleted, "", T0)
	})
	if got := e.enrollment(en.ID); got.State != engine.EnrollmentActive {
		e.t.Errorf("enrollment after the refused SetEnrollmentStates = %s, want still active", got.State)
	}
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentStates(e.ctx, []int64{en.ID, other.ID}, engine.EnrollmentCompleted, "", T0.Add(time.Minute))
	})
	for _, id := range []int64{en.ID, other.ID} {
		if got := e.enrollment(id); got.State != engine.EnrollmentCompleted || !got.EndedAt.Equal(T0.Add(time.Minute)) {
			e.t.Errorf("enrollment %d = %s ended %s; want completed at T0+1m", id, got.State, got.EndedAt)
		}
	}
}
