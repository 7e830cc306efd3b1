package engine

import (
	"context"
	"time"
)

// Finished is a touch that reached its final state (done, skipped, canceled
// or failed), as an Observer hears it.
type Finished struct {
	Touch Touch         // as it ended: State, Reason and FinishedAt are set
	Lag   time.Duration // FinishedAt − Due: how late it ended (negative when canceled early)
}

// Observer hears every touch's final outcome, once, after the transaction
// that recorded it commits; a rolled-back outcome is never heard. Metrics,
// webhooks and pages attach here without touching the worker.
//
// TouchFinished runs on the goroutine that ended the touch (a worker —
// for touches finished together, the worker that ran their batch — an event
// handler, an unenroll) and holds it up meanwhile: it must be quick and
// must not block. An observer with slow work to do (a webhook) hands
// the outcome to its own goroutine, dropping or buffering as it sees fit.
type Observer interface {
	TouchFinished(f Finished)
}

// finishTouch sets a pending touch's final state and tells the observer once
// tx commits.
func (e *Engine) finishTouch(ctx context.Context, tx Tx, t Touch, state TouchState, reason string) error {
	now := e.now()
	if err := tx.FinishTouch(ctx, t.ID, state, reason, now); err != nil {
		return err
	}
	e.observe(tx, t, state, reason, now)
	return nil
}

// finishClaimed sets the final state of a touch still under this claim and,
// when it was, tells the observer once tx commits.
func (e *Engine) finishClaimed(ctx context.Context, tx Tx, t Touch, state TouchState, reason string) (bool, error) {
	now := e.now()
	ok, err := tx.FinishAllClaimed(ctx, []ClaimedFinish{{ID: t.ID, Attempt: t.Attempts, State: state, Reason: reason}}, now)
	if err != nil || !ok[0] {
		return false, err
	}
	e.observe(tx, t, state, reason, now)
	return true, nil
}

// observe registers the outcome with tx, for the observer to hear after commit.
func (e *Engine) observe(tx Tx, t Touch, state TouchState, reason string, at time.Time) {
	obs := e.cfg.Observer
	if obs == nil {
		return
	}
	t.State, t.Reason, t.FinishedAt, t.LeaseUntil = state, reason, at, time.Time{}
	f := Finished{Touch: t, Lag: at.Sub(t.Due)}
	tx.AfterCommit(func() { obs.TouchFinished(f) })
}

// ClaimObserver is an Observer that also hears of claims lost: a worker
// carried a touch out but, finishing it, found the touch claimed again by
// another worker (its lease ran out), so it may go out twice.
type ClaimObserver interface {
	Observer
	ClaimLost(t Touch)
}

// lostClaim explains, inside the finishing transaction, why a touch was no
// longer running under its claim. A touch that ended meanwhile (an exit
// canceled it) is no harm; one claimed again is logged loudly and told to a
// ClaimObserver, since its outcome out (when not nil) was produced twice.
func (e *Engine) lostClaim(ctx context.Context, tx Tx, t Touch, out *Outcome) error {
	now, err := tx.Touch(ctx, t.ID)
	if isNotFound(err) {
		return nil // deleted with its contact
	}
	if err != nil {
		return err
	}
	if now.State.Final() {
		e.log.Info("touch ended while being carried out", ids(t, "state", now.State, "reason", now.Reason)...)
		return nil
	}
	e.log.Error("touch claimed again while this worker carried it out: it may have gone out twice",
		ids(t, "attempt", t.Attempts, "now_attempt", now.Attempts, "state", now.State, "delivered", out != nil)...)
	if obs, ok := e.cfg.Observer.(ClaimObserver); ok {
		tx.AfterCommit(func() { obs.ClaimLost(t) })
	}
	return nil
}
