package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dripline/dripline/tracks"
)

// job is a claimed touch with everything needed to carry it out.
type job struct {
	touch      Touch
	enrollment Enrollment
	track      *tracks.Track
	step       tracks.Step
	contact    Contact
	rep        Rep
	suppressed string // why the contact's address may not be emailed, for email steps
	lease      *lease // renewing the claim while the channel carries it out; nil before
}

// leaseUntil returns when the job's claim runs out unless renewed again.
func (j *job) leaseUntil() time.Time {
	if j.lease != nil {
		return j.lease.current()
	}
	return j.touch.LeaseUntil
}

// Process carries out one touch; the queue's workers call it with the touch id.
// A touch that another worker holds or that is already final is acknowledged
// and left alone, so a duplicate delivery never acts twice. A temporary
// failure returns an error so the queue retries with backoff; after
// MaxAttempts, or on a permanent failure, the touch fails with the error kept
// and the track moves on. The claim and the final outcome go to the store
// together with those of the other workers meanwhile (see claim and
// complete); Process returns only once its outcome has committed.
func (e *Engine) Process(ctx context.Context, id int64) error {
	c := e.claim(ctx, id)
	if c.err != nil {
		return fmt.Errorf("claim touch %d: %w", id, c.err)
	}
	if !c.ok {
		return nil
	}
	t := c.touch
	if now := e.now(); t.Due.After(now) { // a stale task of a touch rescheduled later: not the touch's attempt
		if err := e.released(t, e.cfg.Store.ReleaseUncharged(ctx, t.ID, t.Attempts, t.Reason)); err != nil {
			return err
		}
		return &NotDueError{Touch: t.ID, Due: t.Due}
	}
	j, err := e.load(ctx, c)
	if err != nil {
		return e.fail(ctx, j, err)
	}
	switch j.enrollment.State {
	case EnrollmentActive:
	case EnrollmentPaused:
		return e.release(ctx, t, TouchScheduled, "enrollment paused")
	default:
		return e.complete(ctx, j, TouchCanceled, "enrollment "+string(j.enrollment.State), nil)
	}
	ch, ok := e.cfg.Channels[j.step.Channel]
	if !ok {
		return e.fail(ctx, j, Permanent(fmt.Errorf("no %s channel configured", j.step.Channel)))
	}
	if reason := e.skipReason(ch, j); reason != "" {
		return e.complete(ctx, j, TouchSkipped, reason, nil)
	}
	j.lease = e.hold(ctx, t)
	defer j.lease.stop()
	out, err := ch.Deliver(ctx, e.dispatch(j))
	j.lease.finish()
	if err != nil {
		return e.fail(ctx, j, err)
	}
	if out.Skip != "" {
		return e.complete(ctx, j, TouchSkipped, out.Skip, nil)
	}
	return e.complete(ctx, j, TouchDone, "", &out)
}

// load puts together the claimed touch's job: its work (read with its
// claim, or now when it was not), its track version and, for a step that
// assigns a rep by name, that rep. What retrying cannot fix (a deleted
// contact, a step or rep that does not exist) comes back marked Permanent;
// a database hiccup does not.
func (e *Engine) load(ctx context.Context, c claimed) (*job, error) {
	t := c.touch
	w, err := c.work, c.workErr
	if w == nil && err == nil {
		var one Work
		one, err = e.cfg.Store.Work(ctx, t)
		w = &one
	}
	if isNotFound(err) {
		err = Permanent(err)
	}
	if err != nil {
		return &job{touch: t}, fmt.Errorf("load touch %d: %w", t.ID, err)
	}
	j := &job{touch: t, enrollment: w.Enrollment, contact: w.Contact, rep: w.Owner, suppressed: w.Suppressed}
	if j.track, err = e.trackVersion(ctx, e.cfg.Store, t.TrackID, t.TrackVersion); err != nil {
		var bad tracks.ErrorList
		if isNotFound(err) || errors.As(err, &bad) {
			err = Permanent(err)
		}
		return j, fmt.Errorf("load touch %d: %w", t.ID, err)
	}
	if t.StepIndex >= len(j.track.Steps) {
		return j, Permanent(fmt.Errorf("load touch %d: track %s v%d has no step %d", t.ID, t.TrackID, t.TrackVersion, t.StepIndex))
	}
	j.step = j.track.Steps[t.StepIndex]
	if a := j.step.Action.Assign; a != "" && a != "owner" {
		err = e.cfg.Store.Tx(ctx, func(tx Tx) error {
			j.rep, err = tx.RepByUsername(ctx, a)
			if isNotFound(err) {
				return Permanent(fmt.Errorf("step %s assigns unknown rep %q", j.step.ID, a))
			}
			return err
		})
	}
	if err != nil {
		return j, fmt.Errorf("load touch %d: %w", t.ID, err)
	}
	return j, nil
}

// skipReason says why the channel's touch must not go out now, or "": it
// is later than the engine's LateAfter (the daemon was down, a backlog
// built up), or the channel cannot reach the contact.
func (e *Engine) skipReason(ch Channel, j *job) string {
	if late := e.now().Sub(j.touch.Due); late > e.cfg.LateAfter {
		return fmt.Sprintf("late: due %s, found %s late at send time", j.touch.Due.Format(time.RFC3339), late.Round(time.Second))
	}
	if ok, why := ch.Reachable(j.contact); !ok {
		return why
	}
	if _, ok := ch.(Emailer); ok && j.suppressed != "" {
		return "suppressed: " + j.suppressed
	}
	return ""
}

// fail ends a touch as failed when err is permanent or its attempts are used
// up, and otherwise hands it back for a retry. An outage of the channel's
// transport is never the touch's fault: it is always retried, and the
// attempts it ended do not count toward MaxAttempts.
func (e *Engine) fail(ctx context.Context, j *job, err error) error {
	t := j.touch
	if IsOutage(err) || !IsPermanent(err) && t.Attempts-t.Outages < e.cfg.MaxAttempts {
		return e.retry(ctx, t, err)
	}
	e.log.Warn("touch failed", ids(t, "track", t.TrackID, "step", t.StepID, "err", err)...)
	if j.track == nil {
		return e.stop(ctx, t, err)
	}
	var sup *SuppressError
	if errors.As(err, &sup) {
		return e.finish(ctx, j, TouchFailed, err.Error(), nil, sup)
	}
	return e.finish(ctx, j, TouchFailed, err.Error(), nil)
}

// stop fails a touch whose enrollment or track could not be read, so the
// track cannot move on, and ends the enrollment with the reason rather than
// leave it open with nothing scheduled.
func (e *Engine) stop(ctx context.Context, t Touch, cause error) error {
	err := e.cfg.Store.Tx(ctx, func(tx Tx) error {
		ok, err := e.finishClaimed(ctx, tx, t, TouchFailed, cause.Error())
		if err != nil || !ok {
			return err
		}
		en, err := tx.Enrollment(ctx, t.EnrollmentID)
		if isNotFound(err) || err == nil && !en.State.Open() {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.SetEnrollmentState(ctx, en.ID, EnrollmentCanceled, "stopped: "+cause.Error(), e.now())
	})
	if err != nil {
		return fmt.Errorf("fail touch %d: %w", t.ID, err)
	}
	return nil
}

// retry hands a touch back to the queue, as an outage when err is one, and
// returns the error so the queue retries it with backoff.
func (e *Engine) retry(ctx context.Context, t Touch, err error) error {
	level := slog.LevelInfo
	if IsOutage(err) { // the channel logs its outage once; every touch it holds back would drown it
		level = slog.LevelDebug
	}
	e.log.Log(ctx, level, "touch will be retried", ids(t, "attempt", t.Attempts, "outages", t.Outages, "err", err)...)
	var rerr error
	if IsOutage(err) {
		rerr = e.released(t, e.cfg.Store.ReleaseUncharged(ctx, t.ID, t.Attempts, err.Error()))
	} else {
		rerr = e.release(ctx, t, TouchQueued, err.Error())
	}
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	return fmt.Errorf("attempt %d: %w", t.Attempts, err)
}

// release hands a claimed touch back to state.
func (e *Engine) release(ctx context.Context, t Touch, state TouchState, reason string) error {
	return e.released(t, e.cfg.Store.Release(ctx, t.ID, t.Attempts, state, reason))
}

// released is what handing t back returned, err, as the worker sees it:
// when the lease ran out and another worker claimed the touch meanwhile,
// it is theirs, nothing to do.
func (e *Engine) released(t Touch, err error) error {
	if errors.Is(err, ErrConflict) {
		e.log.Info("touch was claimed again while this worker held it", ids(t, "attempt", t.Attempts)...)
		return nil
	}
	return err
}

// finish records a touch's final state, what it produced and, for a hard
// bounce, the suppression, all in one transaction, then moves the track on:
// a batch of one (see finishBatch), retried while the claim holds.
func (e *Engine) finish(ctx context.Context, j *job, state TouchState, reason string, out *Outcome, sup ...*SuppressError) error {
	f := &finishing{ctx: ctx, j: j, state: state, reason: reason, out: out, sup: sup}
	if err := e.commit(ctx, j, func(tx Tx) error { return e.finishBatch(ctx, tx, []*finishing{f}) }); err != nil {
		return fmt.Errorf("finish touch %d: %w", j.touch.ID, err)
	}
	return nil
}

// activity is the activity a channel's outcome logs for the touch.
func (e *Engine) activity(j *job, out Outcome) Activity {
	a := out.Activity
	a.ContactID, a.TouchID = j.contact.ID, j.touch.ID
	if a.RepID == 0 {
		a.RepID = j.rep.ID
	}
	if a.Type == "" {
		a.Type = defaultActivity(j.step)
	}
	if a.Status == "" {
		a.Status = ActivityDone
	}
	if a.Due.IsZero() {
		a.Due = j.touch.Due
	}
	if a.Status == ActivityDone && a.CompletedAt.IsZero() {
		a.CompletedAt = e.now()
	}
	a.CreatedAt = e.now()
	return a
}

// fileLetter stores the letter a touch produced, logged as activity a.
func (e *Engine) fileLetter(ctx context.Context, tx Tx, j *job, a Activity, l Letter) error {
	l.ContactID, l.TouchID, l.ActivityID, l.CreatedAt = j.contact.ID, j.touch.ID, a.ID, e.now()
	return tx.CreateLetter(ctx, &l)
}

// defaultActivity is the activity type logged for a step: its own, else its
// channel's default.
func defaultActivity(s tracks.Step) string {
	if s.Action.Activity != "" {
		return s.Action.Activity
	}
	spec, _ := tracks.Spec(s.Channel)
	return spec.DefaultActivity
}

// ids are the log attributes naming a touch, its contact and its
// enrollment, followed by more.
func ids(t Touch, more ...any) []any {
	return append([]any{"touch", t.ID, "contact", t.ContactID, "enrollment", t.EnrollmentID}, more...)
}
