package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/dripline/dripline/tracks"
)

// Pause holds an active enrollment: its pending touch waits until Resume.
func (e *Engine) Pause(ctx context.Context, enrollmentID int64) error {
	return e.setOpenState(ctx, "pause", enrollmentID, EnrollmentActive, EnrollmentPaused)
}

// Resume restarts a paused enrollment. A touch that fell due while paused goes
// out at the next tick, inside its track's window.
func (e *Engine) Resume(ctx context.Context, enrollmentID int64) error {
	return e.setOpenState(ctx, "resume", enrollmentID, EnrollmentPaused, EnrollmentActive)
}

func (e *Engine) setOpenState(ctx context.Context, verb string, id int64, from, to EnrollmentState) error {
	err := e.cfg.Store.Tx(ctx, func(tx Tx) error {
		en, err := tx.Enrollment(ctx, id)
		if err != nil {
			return err
		}
		if en.State != from {
			return fmt.Errorf("enrollment is %s, not %s: %w", en.State, from, ErrConflict)
		}
		if err := tx.SetEnrollmentState(ctx, id, to, "", e.now()); err != nil {
			return err
		}
		if to != EnrollmentActive {
			return nil
		}
		return e.rescheduleOverdue(ctx, tx, en)
	})
	if err != nil {
		return fmt.Errorf("%s enrollment %d: %w", verb, id, err)
	}
	return nil
}

// rescheduleOverdue moves a resumed enrollment's overdue pending touch to the
// first instant inside its window from now.
func (e *Engine) rescheduleOverdue(ctx context.Context, tx Tx, en Enrollment) error {
	pending, err := tx.PendingTouches(ctx, en.ID)
	if err != nil {
		return err
	}
	now := e.now()
	for _, t := range pending {
		if !t.Due.Before(now) || t.State == TouchRunning { // a worker is carrying it out
			continue
		}
		def, err := e.trackVersion(ctx, tx, en.TrackID, en.TrackVersion)
		if err != nil {
			return err
		}
		c, err := tx.Contact(ctx, en.ContactID)
		if err != nil {
			return err
		}
		due := now
		if def.Window != nil {
			due = def.Window.Next(now, def.Location(c.TimeZone))
		}
		if err := tx.RescheduleTouch(ctx, t.ID, due); err != nil {
			return err
		}
	}
	return nil
}

// Unenroll ends an open enrollment by hand and cancels its pending touches.
func (e *Engine) Unenroll(ctx context.Context, enrollmentID int64, reason string) error {
	if reason == "" {
		reason = "unenrolled"
	}
	err := e.cfg.Store.Tx(ctx, func(tx Tx) error {
		en, err := tx.Enrollment(ctx, enrollmentID)
		if err != nil {
			return err
		}
		if !en.State.Open() {
			return fmt.Errorf("enrollment already %s: %w", en.State, ErrConflict)
		}
		return e.end(ctx, tx, en, EnrollmentCanceled, reason)
	})
	if err != nil {
		return fmt.Errorf("unenroll %d: %w", enrollmentID, err)
	}
	return nil
}

// Unsubscribe suppresses an address at once (every later email touch to it is
// skipped) and sends contact.unsubscribed for each contact that has it, which
// ends the enrollments whose tracks exit on it. Unsubscribing twice is harmless.
func (e *Engine) Unsubscribe(ctx context.Context, email, detail string) error {
	err := e.cfg.Store.Tx(ctx, func(tx Tx) error {
		return e.suppress(ctx, tx, email, SuppressUnsubscribe, detail)
	})
	if err != nil {
		return fmt.Errorf("unsubscribe %s: %w", email, err)
	}
	return nil
}

// Bounce records a bounce reported by the mail provider: a hard bounce or a
// complaint suppresses the address; a soft bounce changes nothing.
func (e *Engine) Bounce(ctx context.Context, email, kind, detail string) error {
	reason := map[string]string{"hard": SuppressHardBounce, "complaint": SuppressComplaint}[kind]
	if reason == "" {
		return nil
	}
	err := e.cfg.Store.Tx(ctx, func(tx Tx) error {
		return e.suppress(ctx, tx, email, reason, detail)
	})
	if err != nil {
		return fmt.Errorf("bounce %s: %w", email, err)
	}
	return nil
}

// suppress adds an address to the suppression list and sends each contact
// with that address the matching event (contact.unsubscribed, contact.bounced).
func (e *Engine) suppress(ctx context.Context, tx Tx, email, reason, detail string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := tx.Suppress(ctx, email, reason, detail, e.now()); err != nil {
		return err
	}
	event := tracks.EventUnsubscribed
	if reason == SuppressHardBounce {
		event = tracks.EventBounced
	}
	ids, err := tx.ContactsByEmail(ctx, email)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := e.handleEvent(ctx, tx, Event{ContactID: id, Name: event, At: e.now()}); err != nil {
			return err
		}
	}
	return nil
}
