package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	// MessageID is the Message-ID of the email sent, stored on the touch.
	MessageID string
}

// Channel carries out the touches of one channel registered in the track
// language (tracks.Channels). Adding a channel is its registration there plus
// an implementation of this interface given in Config.Channels.
type Channel interface {
	// Reachable reports whether the contact can receive this channel's
	// touches at all; when not, why says what is missing ("no email
	// address") and the engine skips the touch with that reason.
	Reachable(c Contact) (ok bool, why string)
	// Deliver carries out one touch.
	Deliver(ctx context.Context, d Dispatch) (Outcome, error)
}

// Emailer is a Channel that reaches contacts at their email address: the
// engine also skips its touches to an address on the suppression list
// (unsubscribe, hard bounce, complaint). Embed EmailReach to be one.
type Emailer interface {
	Channel
	EmailAddressed()
}

// EmailReach, embedded in a channel, makes it reach contacts that have an
// email address and marks it an Emailer.
type EmailReach struct{}

// Reachable reports whether the contact has an email address.
func (EmailReach) Reachable(c Contact) (bool, string) {
	if strings.TrimSpace(c.Email) == "" {
		return false, "no email address"
	}
	return true, ""
}

// EmailAddressed marks the channel an Emailer.
func (EmailReach) EmailAddressed() {}

// AnyoneReach, embedded in a channel, makes every contact reachable: a call
// or task goes to a rep, who finds a way; a letter to a contact without a
// usable postal address goes on the unmailable list, for someone to fix.
type AnyoneReach struct{}

// Reachable reports true.
func (AnyoneReach) Reachable(Contact) (bool, string) { return true, "" }

// failureKind is how a channel marks a failure for the worker and the queue.
type failureKind int

const (
	permanent failureKind = iota + 1 // retrying cannot fix it
	outage                           // the channel's transport, not the touch
	deferred                         // the other end asks to try the touch later
)

// markedError is a failure marked with its kind.
type markedError struct {
	err  error
	kind failureKind
}

func (e markedError) Error() string { return e.err.Error() }
func (e markedError) Unwrap() error { return e.err }

// mark marks err with kind; nil stays nil.
func mark(err error, kind failureKind) error {
	if err == nil {
		return nil
	}
	return markedError{err, kind}
}

// isMarked reports whether err, or an error it wraps, was marked with kind.
func isMarked(err error, kind failureKind) bool {
	var m markedError
	for errors.As(err, &m) {
		if m.kind == kind {
			return true
		}
		err = m.err
	}
	return false
}

// Permanent marks err as a failure that retrying cannot fix (a bad address, a
// 5xx reply): the touch fails at once. Unmarked errors are retried with backoff.
func Permanent(err error) error { return mark(err, permanent) }

// SuppressError is a permanent failure that also puts the address on the
// suppression list, such as a hard bounce (5xx on RCPT) or a complaint.
type SuppressError struct {
	Email  string
	Reason string // hard_bounce | complaint
	Err    error
}

func (e *SuppressError) Error() string { return e.Err.Error() }
func (e *SuppressError) Unwrap() error { return e.Err }

// IsPermanent reports whether err was marked with Permanent or is a
// SuppressError.
func IsPermanent(err error) bool {
	var s *SuppressError
	return isMarked(err, permanent) || errors.As(err, &s)
}

// Outage marks err as an outage of the channel's transport (an SMTP server
// refusing every session): not the touch's fault, so the touch is retried
// with backoff however many attempts it has had, and never failed for it.
func Outage(err error) error { return mark(err, outage) }

// IsOutage reports whether err was marked with Outage.
func IsOutage(err error) bool { return isMarked(err, outage) }

// Deferred marks err as a temporary refusal of this touch by the other end
// (an SMTP 4xx reply to the message: greylisting, a full mailbox): worth
// trying again, but after the backoff the refusal asks for, not as soon as
// something else recovers.
func Deferred(err error) error { return mark(err, deferred) }

// IsDeferred reports whether err was marked with Deferred.
func IsDeferred(err error) bool { return isMarked(err, deferred) }

// NotDueError is what Process returns for a touch whose task ran before the
// touch is due (a task left from before the touch was rescheduled later):
// the touch is handed back to queued, its reason kept and the claim not charged
// to it (Store.ReleaseUncharged), and the queue should run the task
// again at Due.
type NotDueError struct {
	Touch int64
	Due   time.Time
}

func (e *NotDueError) Error() string {
	return fmt.Sprintf("touch %d is not due until %s", e.Touch, e.Due.Format(time.RFC3339Nano))
}
