package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Clock tells the engine what time it is. The daemon uses the wall clock;
// simulate and tests move a virtual one.
type Clock interface {
	Now() time.Time
}

// ErrNotFound is returned by a store when a row does not exist.
var ErrNotFound = errors.New("not found")

// ErrTransient marks a store failure that may pass if the same work is tried
// again: a dropped connection, a server restarting, a serialization failure
// or deadlock. Stores wrap such errors with Transient.
var ErrTransient = errors.New("transient")

// Transient marks err as a store failure worth retrying (see ErrTransient);
// errors.Is(Transient(err), ErrTransient) holds and the cause is kept.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w (%w)", err, ErrTransient)
}

// ErrConflict is returned when a change does not fit the current state, such as
// pausing an enrollment that already ended.
var ErrConflict = errors.New("conflict")

// Store keeps the engine's state: PostgreSQL in production, memory in simulate.
// Both keep the contract in engine/storetest, which their tests run.
type Store interface {
	// Tx runs fn in one transaction; an error from fn rolls everything back.
	Tx(ctx context.Context, fn func(tx Tx) error) error

	// QueueDue moves scheduled touches of active enrollments due before until to
	// queued (recording now as the time they were queued) and returns them,
	// earliest first, at most limit. Concurrent callers never receive the same touch.
	QueueDue(ctx context.Context, now, until time.Time, limit int) ([]Touch, error)

	// Requeue finds touches that should be in the queue but may not be: queued ones
	// whose due time and queued time are both before staleBefore, and running ones
	// whose lease ended before now. It marks them queued again (queued at now) and
	// returns them, at most limit.
	Requeue(ctx context.Context, staleBefore, now time.Time, limit int) ([]Touch, error)

	// Claim leases a queued touch (or a running one whose lease ended) to one
	// worker until leaseUntil and counts the attempt. ok is false when the touch
	// is final, held by another worker, or not queued.
	Claim(ctx context.Context, id int64, now, leaseUntil time.Time) (t Touch, ok bool, err error)

	// ClaimAll is Claim for many touches at once, in one round trip where the
	// store can: it returns the touches it leased, in no particular order. An
	// id listed twice is claimed once. Rather than wait for a touch another
	// transaction holds, it fails and claims none, so that one locked touch
	// does not hold up the others (nor spend their leases waiting).
	ClaimAll(ctx context.Context, ids []int64, now, leaseUntil time.Time) ([]Touch, error)

	// RenewLease extends the lease of a touch still running under the claim
	// with this attempt number to leaseUntil. It reports false, changing
	// nothing, when the touch ended or was claimed again meanwhile.
	RenewLease(ctx context.Context, id int64, attempt int, leaseUntil time.Time) (bool, error)

	// Work reads, in one round trip where the store can, what a worker needs
	// about a claimed touch: its enrollment, its contact, the contact's owner
	// and whether the contact's address is suppressed.
	Work(ctx context.Context, t Touch) (Work, error)

	// WorkAll is Work for many claimed touches at once, by touch id. A touch
	// whose enrollment or contact no longer exists is left out.
	WorkAll(ctx context.Context, ts []Touch) (map[int64]Work, error)

	// Release hands a claimed touch back: state queued after a temporary failure
	// (reason keeps the error), or scheduled when its enrollment is paused. The
	// attempt number the claim returned proves the lease is still the caller's;
	// otherwise Release changes nothing and returns ErrConflict.
	Release(ctx context.Context, id int64, attempt int, state TouchState, reason string) error

	// ReleaseUncharged is Release to queued of a claim that was not the
	// touch's fault: an outage of the channel's transport (see Outage), a
	// task run before the touch was due (NotDueError). It counts the attempt
	// in the touch's Outages too, so it does not count toward MaxAttempts,
	// while Attempts stays the claim's fence.
	ReleaseUncharged(ctx context.Context, id int64, attempt int, reason string) error

	// BulkEnroll creates each enrollment with its first touch in one round trip,
	// skipping those the track's rules refuse (an open enrollment exists, or a
	// previous one forbids re-enrollment). It reports how many were created.
	BulkEnroll(ctx context.Context, es []NewEnrollment) (int, error)

	// SaveTrack records a track version. A track whose hash is new gets the next
	// version number; a hash already stored keeps its version. stillOnOld
	// counts the track's open enrollments on other versions.
	SaveTrack(ctx context.Context, id, hash string, source []byte, file string) (version int, stillOnOld int, err error)

	// BirthdaysOn returns the contacts whose birthday falls on day's date as
	// day's own zone has it (Feb 29 birthdays on Feb 28 in other years), in id order.
	BirthdaysOn(ctx context.Context, day time.Time) ([]int64, error)

	// ActivityTypes lists the activity types activities may have, or nil when
	// the store keeps no such table (then step activities are not checked).
	ActivityTypes(ctx context.Context) ([]ActivityType, error)

	// MoveEnrollments moves the open enrollments of a track on other versions
	// to version: each whose pending touch (scheduled or queued) is at a step
	// the version has, by step id, continues at that step with its due time
	// unchanged. Enrollments whose touch is running or whose step the version
	// lacks stay where they are. It reports how many moved and stayed.
	MoveEnrollments(ctx context.Context, trackID string, version int, stepIndex map[string]int) (moved, stayed int, err error)

	TrackSources

	// SetTrackState records a whole track's state. Paused: QueueDue passes
	// over its touches, and its queued ones go back to scheduled (a task
	// already in the queue then finds nothing to claim). A track never set
	// is active.
	SetTrackState(ctx context.Context, trackID string, state TrackState, at time.Time) error
	// TrackStatuses lists every stored track by id with its state, versions
	// (their open enrollments) and open enrollments by the step of their
	// pending touch; Loaded is left false.
	TrackStatuses(ctx context.Context) ([]TrackStatus, error)
}

// TrackSources reads the stored versions of tracks: the Store outside a
// transaction, a Tx inside one (where a second connection could be one the
// pool has no more of).
type TrackSources interface {
	// TrackSource returns the YAML of one stored version of a track.
	TrackSource(ctx context.Context, id string, version int) (source []byte, file string, err error)
}

// Tx is the part of the store used inside one transaction.
type Tx interface {
	TrackSources
	Contact(ctx context.Context, id int64) (Contact, error)
	// ContactsByID returns the listed contacts that exist, by id.
	ContactsByID(ctx context.Context, ids []int64) (map[int64]Contact, error)
	// TimeZones returns the time zone of each listed contact that exists ("" when unknown).
	TimeZones(ctx context.Context, ids []int64) (map[int64]string, error)
	Rep(ctx context.Context, id int64) (Rep, error)
	RepByUsername(ctx context.Context, username string) (Rep, error)

	// TrackState returns a track's state; a track never set is active.
	TrackState(ctx context.Context, trackID string) (TrackState, error)
	// OverdueEnrollments lists, by id, the track's active enrollments with
	// a scheduled or queued touch due before the instant.
	OverdueEnrollments(ctx context.Context, trackID string, before time.Time) ([]Enrollment, error)

	// Enrollments lists a contact's enrollments, newest first; trackID "" means all tracks.
	Enrollments(ctx context.Context, contactID int64, trackID string) ([]Enrollment, error)
	Enrollment(ctx context.Context, id int64) (Enrollment, error)
	// EnrollmentsByID returns the listed enrollments that exist, by id.
	EnrollmentsByID(ctx context.Context, ids []int64) (map[int64]Enrollment, error)
	// OpenEnrollments lists the active and paused enrollments of the listed
	// contacts, in no particular order.
	OpenEnrollments(ctx context.Context, contactIDs []int64) ([]Enrollment, error)
	// EnrollAll is Store.BulkEnroll inside this transaction, keeping each
	// enrollment's Trigger: created[i] reports whether es[i] was made (false
	// when the rules refused it or an earlier entry had its contact and track).
	EnrollAll(ctx context.Context, es []NewEnrollment) (created []bool, err error)
	// CreateEnrollment inserts e and its first touch, setting their IDs.
	CreateEnrollment(ctx context.Context, e *Enrollment, first *Touch) error
	// SetEnrollmentState changes an open enrollment's state; an ended state
	// also sets EndedAt and Reason. An ended enrollment stays ended: ErrConflict.
	SetEnrollmentState(ctx context.Context, id int64, state EnrollmentState, reason string, at time.Time) error
	// SetEnrollmentStates is SetEnrollmentState for many distinct
	// enrollments at once; when one is not open it fails with ErrConflict
	// (roll the transaction back: others may have changed).
	SetEnrollmentStates(ctx context.Context, ids []int64, state EnrollmentState, reason string, at time.Time) error

	Touch(ctx context.Context, id int64) (Touch, error)
	CreateTouch(ctx context.Context, t *Touch) error
	// CreateTouches is CreateTouch for many touches at once.
	CreateTouches(ctx context.Context, ts []*Touch) error
	// PendingTouches lists an enrollment's touches that are not final.
	PendingTouches(ctx context.Context, enrollmentID int64) ([]Touch, error)
	// FinishAllClaimed sets final states on distinct touches still running
	// under the claims with these attempt numbers, all at the same time,
	// recording on each the MessageID its email went out with (when not
	// empty). ok[i] reports whether fs[i] was finished: false, changing
	// nothing, when the touch ended meanwhile (an exit canceled it) or was
	// claimed again.
	FinishAllClaimed(ctx context.Context, fs []ClaimedFinish, at time.Time) (ok []bool, err error)
	// FinishTouch sets a final state with its reason; a touch already final
	// is left alone: ErrConflict.
	FinishTouch(ctx context.Context, id int64, state TouchState, reason string, at time.Time) error
	// RescheduleTouch moves a pending touch to state scheduled at due; a
	// final one is left alone: ErrConflict.
	RescheduleTouch(ctx context.Context, id int64, due time.Time) error

	// CreateActivity inserts a, filling its ID and Points from its type.
	CreateActivity(ctx context.Context, a *Activity) error
	// CreateActivities is CreateActivity for many activities at once.
	CreateActivities(ctx context.Context, as []*Activity) error
	CreateLetter(ctx context.Context, l *Letter) error

	// Suppressed reports why an address may not be emailed, or "" when it may.
	Suppressed(ctx context.Context, email string) (string, error)
	// Suppress puts an address on the suppression list (unsubscribe, hard_bounce,
	// complaint); suppressing it again keeps the first record.
	Suppress(ctx context.Context, email, reason, detail string, at time.Time) error
	// ContactsByEmail lists the contacts with this address; case and
	// surrounding spaces do not matter, as on the suppression list.
	ContactsByEmail(ctx context.Context, email string) ([]int64, error)
	// AfterCommit registers fn to run once this transaction has committed
	// (never when it rolls back), after the store released it. Functions run
	// in the order registered, on the goroutine that committed.
	AfterCommit(fn func())

	// RecordEvent appends a received CRM event to the event log. It reports
	// false, recording nothing, when the same event (contact, name, time,
	// track, item, amount) was recorded before.
	RecordEvent(ctx context.Context, e Event) (bool, error)
	// RecordEvents is RecordEvent for many events at once: fresh[i] reports
	// whether es[i] was recorded (false when it was recorded before, or
	// appears earlier in es).
	RecordEvents(ctx context.Context, es []Event) (fresh []bool, err error)
}

// Work is what a worker reads about a claimed touch before acting.
type Work struct {
	Enrollment Enrollment
	Contact    Contact
	Owner      Rep    // the contact's owner; zero when none
	Suppressed string // why the contact's address may not be emailed; "" when it may
}

// ClaimedFinish is one touch for Tx.FinishAllClaimed: the final state to
// give it if it still runs under the claim with this attempt number.
type ClaimedFinish struct {
	ID        int64
	Attempt   int
	State     TouchState
	Reason    string
	MessageID string // the Message-ID its email went out with; "" for none
}

// NewEnrollment is one enrollment for Store.BulkEnroll.
type NewEnrollment struct {
	Enrollment Enrollment
	First      Touch
	Reenroll   string // the track's tracks.Reenroll policy
}

// Queue carries due touches from the scheduler to workers.
type Queue interface {
	// Enqueue makes sure a task exists for each touch, to be processed at its due
	// time. A task that is already there is left as it is.
	Enqueue(ctx context.Context, touches []Touch) error
}
