package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/tracks"
)

// advance moves an enrollment past a touch that reached a final state: it
// schedules the next step or, after the last one, completes the enrollment and
// chains to the track's `then:`, enrolled at the last touch's due time.
func (e *Engine) advance(ctx context.Context, tx Tx, en Enrollment, t *tracks.Track, c Contact, done Touch) error {
	if nt, ok := e.nextTouch(en, t, c, done); ok {
		if err := tx.CreateTouch(ctx, &nt); err != nil {
			return fmt.Errorf("schedule %s/%s: %w", t.ID, nt.StepID, err)
		}
		return e.settleLate(ctx, tx, en, t, c, nt)
	}
	if err := tx.SetEnrollmentState(ctx, en.ID, EnrollmentCompleted, "", e.now()); err != nil {
		return err
	}
	if t.Then == "" {
		return nil
	}
	if _, err := e.enroll(ctx, tx, c, t.Then, done.Due, "", en.Trigger); err != nil {
		return fmt.Errorf("chain %s -> %s: %w", t.ID, t.Then, err)
	}
	return nil
}

// nextTouch is the touch of the step after done, or false after the last.
func (e *Engine) nextTouch(en Enrollment, t *tracks.Track, c Contact, done Touch) (Touch, bool) {
	next := done.StepIndex + 1
	if next >= len(t.Steps) {
		return Touch{}, false
	}
	nt := newTouch(t, next, t.Due(next, en.Anchor, done.Due, t.Location(c.TimeZone)))
	nt.EnrollmentID, nt.ContactID, nt.TrackVersion = en.ID, c.ID, en.TrackVersion
	return nt, true
}

// pastLate reports whether a touch due at due is already more than
// LateAfter overdue.
func (e *Engine) pastLate(due time.Time) bool { return e.now().Sub(due) > e.cfg.LateAfter }

// settleLate skips a just-scheduled touch that is already more than LateAfter
// overdue (a sale entered months after the fact, say) and moves on, so old
// reminders are recorded as skipped rather than sent out of season.
func (e *Engine) settleLate(ctx context.Context, tx Tx, en Enrollment, t *tracks.Track, c Contact, touch Touch) error {
	if !e.pastLate(touch.Due) {
		return nil
	}
	reason := fmt.Sprintf("late: due %s, already past when scheduled", touch.Due.Format(time.RFC3339))
	touch.EnrollmentID = en.ID
	if err := e.finishTouch(ctx, tx, touch, TouchSkipped, reason); err != nil {
		return err
	}
	touch.State = TouchSkipped
	return e.advance(ctx, tx, en, t, c, touch)
}
