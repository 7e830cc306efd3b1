package storetest

import (
	"context"
	"errors"
	"time"

	"github.com/dripline/dripline/engine"
)

// finishClaimedStale: a claim that was taken over cannot finish the touch.
func finishClaimedStale(e *env) {
	_, tc := e.claimed()
	again, ok, err := e.s.Claim(e.ctx, tc.ID, T0.Add(2*time.Minute), T0.Add(3*time.Minute))
	if err != nil || !ok {
		e.t.Fatalf("reclaim = %v, %v", ok, err)
	}
	e.tx(func(tx engine.Tx) error {
		ok, err := finishOne(e.ctx, tx, tc.ID, tc.Attempts, engine.TouchDone, "", T0)
		if err == nil && ok {
			e.t.Error("FinishAllClaimed with the stale attempt reported true")
		}
		return err
	})
	if got := e.touch(tc.ID); got.State != engine.TouchRunning || got.Attempts != again.Attempts || !got.FinishedAt.IsZero() {
		e.t.Fatalf("stale FinishAllClaimed changed the touch: %+v", got)
	}
	e.tx(func(tx engine.Tx) error {
		ok, err := finishOne(e.ctx, tx, tc.ID, again.Attempts, engine.TouchFailed, "bounced", T0.Add(2*time.Minute))
		if err == nil && !ok {
			e.t.Error("FinishAllClaimed with the current attempt reported false")
		}
		return err
	})
	got := e.touch(tc.ID)
	if got.State != engine.TouchFailed || got.Reason != "bounced" || !got.FinishedAt.Equal(T0.Add(2*time.Minute)) || !got.LeaseUntil.IsZero() {
		e.t.Fatalf("finished touch = %+v; want failed, bounced, finished at T0+2m, no lease", got)
	}
}

// finishClaimedNotRunning: a touch an exit canceled meanwhile keeps its cancel.
func finishClaimedNotRunning(e *env) {
	_, tc := e.claimed()
	e.tx(func(tx engine.Tx) error {
		return tx.FinishTouch(e.ctx, tc.ID, engine.TouchCanceled, "exit: opportunity.won", T0)
	})
	e.tx(func(tx engine.Tx) error {
		ok, err := finishOne(e.ctx, tx, tc.ID, tc.Attempts, engine.TouchDone, "", T0.Add(time.Second))
		if err == nil && ok {
			e.t.Error("FinishAllClaimed on a canceled touch reported true")
		}
		return err
	})
	if got := e.touch(tc.ID); got.State != engine.TouchCanceled || got.Reason != "exit: opportunity.won" || !got.FinishedAt.Equal(T0) {
		e.t.Fatalf("canceled touch became %+v", got)
	}
}

// finishTouchIsFinal: a final touch cannot be finished again.
func finishTouchIsFinal(e *env) {
	_, tc := e.enroll(T0)
	e.tx(func(tx engine.Tx) error {
		return tx.FinishTouch(e.ctx, tc.ID, engine.TouchSkipped, "no email address", T0)
	})
	e.conflict("FinishTouch on a final touch", func(tx engine.Tx) error {
		return tx.FinishTouch(e.ctx, tc.ID, engine.TouchCanceled, "exit", T0.Add(time.Second))
	})
	if got := e.touch(tc.ID); got.State != engine.TouchSkipped || got.Reason != "no email address" {
		e.t.Fatalf("final touch became %s %q", got.State, got.Reason)
	}
}

// rescheduleTouch: a pending touch goes back to scheduled at its new due
// time and is queued then, not before; a final one cannot be rescheduled.
func rescheduleTouch(e *env) {
	_, tc := e.enroll(T0)
	e.queue(T0, T0.Add(time.Second))
	later := T0.Add(time.Hour)
	e.tx(func(tx engine.Tx) error { return tx.RescheduleTouch(e.ctx, tc.ID, later) })
	if got := e.touch(tc.ID); got.State != engine.TouchScheduled || !got.Due.Equal(later) {
		e.t.Fatalf("rescheduled touch = %s due %s, want scheduled due %s", got.State, got.Due, later)
	}
	if ts := e.queue(T0, later); len(ts) != 0 {
		e.t.Fatalf("queued %v before its new due time", ids(ts))
	}
	if ts := e.queue(later, later.Add(time.Second)); len(ts) != 1 || ts[0].ID != tc.ID {
		e.t.Fatalf("QueueDue at the new due time = %v, want %d", ids(ts), tc.ID)
	}
	e.tx(func(tx engine.Tx) error { return tx.FinishTouch(e.ctx, tc.ID, engine.TouchDone, "", later) })
	e.conflict("RescheduleTouch of a final touch", func(tx engine.Tx) error {
		return tx.RescheduleTouch(e.ctx, tc.ID, later.Add(time.Hour))
	})
}

// endedEnrollmentStaysEnded: a pause racing an exit cannot reopen it.
func endedEnrollmentStaysEnded(e *env) {
	en, _ := e.enroll(T0)
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, en.ID, engine.EnrollmentExited, "exit: opportunity.won", T0)
	})
	e.conflict("pausing an exited enrollment", func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, en.ID, engine.EnrollmentPaused, "", T0.Add(time.Second))
	})
	got := e.enrollment(en.ID)
	if got.State != engine.EnrollmentExited || got.Reason != "exit: opportunity.won" || !got.EndedAt.Equal(T0) {
		e.t.Fatalf("exited enrollment became %+v", got)
	}
}

// txRollsBack: an error undoes every change of the transaction and runs
// nothing registered with AfterCommit; a commit runs those, in order.
func txRollsBack(e *env) {
	contact := e.contact("ann@example.com")
	ne := newEnrollment(contact, "", T0)
	boom := errors.New("boom")
	ran := false
	err := e.s.Tx(e.ctx, func(tx engine.Tx) error {
		tx.AfterCommit(func() { ran = true })
		if err := tx.CreateEnrollment(e.ctx, &ne.Enrollment, &ne.First); err != nil {
			return err
		}
		if _, err := tx.RecordEvent(e.ctx, engine.Event{ContactID: contact, Name: "contact.created", At: T0}); err != nil {
			return err
		}
		if err := tx.Suppress(e.ctx, "ann@example.com", engine.SuppressUnsubscribe, "", T0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || ran {
		e.t.Fatalf("Tx = %v, after-commit ran %v; want boom and nothing run", err, ran)
	}
	var order []int
	e.tx(func(tx engine.Tx) error {
		if ens, err := tx.Enrollments(e.ctx, contact, ""); err != nil || len(ens) != 0 {
			e.t.Errorf("rolled-back enrollment still there: %+v, %v", ens, err)
		}
		if why, err := tx.Suppressed(e.ctx, "ann@example.com"); err != nil || why != "" {
			e.t.Errorf("rolled-back suppression still there: %q, %v", why, err)
		}
		if fresh, err := tx.RecordEvent(e.ctx, engine.Event{ContactID: contact, Name: "contact.created", At: T0}); err != nil || !fresh {
			e.t.Errorf("rolled-back event still recorded: %v, %v", fresh, err)
		}
		tx.AfterCommit(func() { order = append(order, 1) })
		tx.AfterCommit(func() { order = append(order, 2) })
		if len(order) != 0 {
			e.t.Error("AfterCommit ran before the commit")
		}
		return nil
	})
	if len(order) != 2 || order[0] != 1 || order[1] != 2 {
		e.t.Fatalf("after commit ran %v, want [1 2]", order)
	}
	if ts := e.queue(T0, T0.Add(time.Hour)); len(ts) != 0 {
		e.t.Fatalf("rolled-back touch queued: %v", ids(ts))
	}
}

// finishOne finishes one touch under its claim with FinishAllClaimed and
// reports whether it did.
func finishOne(ctx context.Context, tx engine.Tx, id int64, attempt int, state engine.TouchState, reason string, at time.Time) (bool, error) {
	ok, err := tx.FinishAllClaimed(ctx, []engine.ClaimedFinish{{ID: id, Attempt: attempt, State: state, Reason: reason}}, at)
	if err != nil {
		return false, err
	}
	return ok[0], nil
}
