package engine

import (
	"context"
	"errors"
	"time"

	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// Dispatch is everything a channel needs to carry out one touch.
type Dispatch struct {
	Touch    Touch
	Track    *tracks.Track
	Step     tracks.Step
	Contact  Contact
	Rep      Rep   // the contact's owner, or the rep the step assigns; zero when none
	Event    Event // the event that started the enrollment
	Business templates.Business
	Now      time.Time
}

// Outcome is what a channel did. The engine stores it in the same transaction
// that marks the touch, so a touch and its record never disagree.
type Outcome struct {
	Activity Activity // the activity to log: type, subject, notes, status, rep, due
	Letter   *Letter  // a letter waiting to be printed, for the letter channel
	Skip     string   // when not empty the touch is skipped for this reason
}

// Channel carries out touches of one kind: email, letter, call or task.
type Channel interface {
	Deliver(ctx context.Context, d Dispatch) (Outcome, error)
}

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying cannot fix (a bad address, a
// 5xx reply): the touch fails at once. Unmarked errors are retried with backoff.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// SuppressError is a permanent failure that also puts the address on the
// suppression list, such as a hard bounce (5xx on RCPT) or a complaint.
type SuppressError struct {
	Email  string
	Reason string // hard_bounce | complaint
	Err    error
}

func (e *SuppressError) Error() string { return e.Err.Error() }
func (e *SuppressError) Unwrap() error { return e.Err }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	var s *SuppressError
	return errors.As(err, &p) || errors.As(err, &s)
}
