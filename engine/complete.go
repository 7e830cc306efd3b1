package engine

import (
	"context"
	"fmt"
)

// finishing is a touch a worker carried out, waiting for its outcome to be
// recorded.
type finishing struct {
	ctx    context.Context
	j      *job
	state  TouchState
	reason string
	out    *Outcome
	sup    []*SuppressError // addresses to suppress with the outcome (a hard bounce)
}

// complete records a touch's final state and what it produced, as finish
// does, together with the touches other workers finish meanwhile: one
// transaction for the whole batch (see batcher). When that transaction
// fails, each touch of the batch is finished on its own with finish, which
// retries while the claim holds: one bad touch never fails the others of its
// batch. complete returns once the outcome has committed, or with why it
// could not: never before.
func (e *Engine) complete(ctx context.Context, j *job, state TouchState, reason string, out *Outcome) error {
	if !e.cfg.Simulated && e.completes.do(&finishing{ctx: ctx, j: j, state: state, reason: reason, out: out}) { // a simulation has nothing to batch
		return nil
	}
	return e.finish(ctx, j, state, reason, out)
}

// finishAll finishes one batch in one transaction and reports for each
// whether it is done; all or none are.
func (e *Engine) finishAll(fs []*finishing) []bool {
	done := make([]bool, len(fs))
	until := fs[0].j.leaseUntil() // the first claim to run out bounds the transaction
	for _, f := range fs[1:] {
		if u := f.j.leaseUntil(); u.Before(until) {
			until = u
		}
	}
	ctx := context.WithoutCancel(fs[0].ctx) // what went out must be recorded, even on shutdown
	err := e.tryCommit(ctx, until, func(tx Tx) error { return e.finishBatch(ctx, tx, fs) })
	if err != nil {
		e.log.Warn("finishing touches together failed; finishing each on its own", "touches", len(fs), "err", err)
		return done
	}
	for i := range done {
		done[i] = true
	}
	return done
}

// finishBatch is finish for many touches in one transaction, with one
// statement for each kind of change rather than one for each touch.
func (e *Engine) finishBatch(ctx context.Context, tx Tx, fs []*finishing) error {
	now := e.now()
	claims := make([]ClaimedFinish, len(fs))
	for i, f := range fs {
		claims[i] = ClaimedFinish{ID: f.j.touch.ID, Attempt: f.j.touch.Attempts, State: f.state, Reason: f.reason}
		if f.out != nil {
			claims[i].MessageID = f.out.MessageID
		}
	}
	ok, err := tx.FinishAllClaimed(ctx, claims, now)
	if err != nil {
		return err
	}
	var (
		acts   []*Activity
		logged []*finishing // acts[i] is logged[i]'s
		moving []*finishing // finished and not canceled: their tracks move on
	)
	for i, f := range fs {
		if !ok[i] { // ended meanwhile (an exit), or claimed again after the lease ran out
			if err := e.lostClaim(ctx, tx, f.j.touch, f.out); err != nil {
				return err
			}
			continue
		}
		e.observe(tx, f.j.touch, f.state, f.reason, now)
		for _, s := range f.sup {
			if err := e.suppress(ctx, tx, s.Email, s.Reason, s.Err.Error()); err != nil {
				return err
			}
		}
		if f.out != nil {
			a := e.activity(f.j, *f.out)
			acts, logged = append(acts, &a), append(logged, f)
		}
		if f.state != TouchCanceled {
			moving = append(moving, f)
		}
	}
	if err := e.logAll(ctx, tx, acts, logged); err != nil {
		return err
	}
	return e.advanceAll(ctx, tx, moving)
}

// logAll stores the activities, acts[i] produced by logged[i], and files
// the letters among the outcomes.
func (e *Engine) logAll(ctx context.Context, tx Tx, acts []*Activity, logged []*finishing) error {
	if len(acts) == 0 {
		return nil
	}
	if err := tx.CreateActivities(ctx, acts); err != nil {
		return err
	}
	for i, f := range logged {
		if f.out.Letter != nil {
			if err := e.fileLetter(ctx, tx, f.j, *acts[i], *f.out.Letter); err != nil {
				return err
			}
		}
	}
	return nil
}

// advanceAll moves on the enrollments of finished touches, as finish does:
// the next touches are created with one statement, the enrollments past
// their last step completed with another; a next touch already late or a
// track chaining to another goes through advance, one by one.
func (e *Engine) advanceAll(ctx context.Context, tx Tx, fs []*finishing) error {
	if len(fs) == 0 {
		return nil
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.j.enrollment.ID
	}
	ens, err := tx.EnrollmentsByID(ctx, ids)
	if err != nil {
		return err
	}
	var (
		next      []*Touch
		completed []int64
	)
	for _, f := range fs {
		en, ok := ens[f.j.enrollment.ID]
		if !ok {
			return fmt.Errorf("enrollment %d: %w", f.j.enrollment.ID, ErrNotFound)
		}
		if !en.State.Open() { // paused meanwhile: the next touch waits for Resume
			continue
		}
		done := f.j.touch
		done.State = f.state
		nt, more := e.nextTouch(en, f.j.track, f.j.contact, done)
		switch {
		case more && !e.pastLate(nt.Due):
			next = append(next, &nt)
		case !more && f.j.track.Then == "":
			completed = append(completed, en.ID)
		default:
			if err := e.advance(ctx, tx, en, f.j.track, f.j.contact, done); err != nil {
				return err
			}
		}
	}
	return e.moveAll(ctx, tx, next, completed)
}

// moveAll creates the next touches and completes the enrollments.
func (e *Engine) moveAll(ctx context.Context, tx Tx, next []*Touch, completed []int64) error {
	if len(next) > 0 {
		if err := tx.CreateTouches(ctx, next); err != nil {
			return fmt.Errorf("schedule %d next touches: %w", len(next), err)
		}
	}
	if len(completed) > 0 {
		return tx.SetEnrollmentStates(ctx, completed, EnrollmentCompleted, "", e.now())
	}
	return nil
}
