package engine

import (
	"fmt"
	"time"

	"github.com/dripline/dripline/letters"
	"github.com/dripline/dripline/tracks"
)

// Contact is a person the CRM markets to.
type Contact struct {
	ID         int64
	ExternalID string
	Email      string
	FirstName  string
	LastName   string
	Company    string
	Title      string
	Phone      string
	TimeZone   string // IANA zone; empty when unknown
	Status     string // suspect | prospect | customer
	Industry   string
	OwnerID    int64 // the owner rep; 0 when none
	Owner      string
	LeadSource string
	Campaign   string
	Birthday   *time.Time // a date (UTC midnight); nil when unknown
	Street     string
	City       string
	Region     string
	PostalCode string
	Country    string
	Custom     map[string]string
}

// Contact statuses.
const (
	StatusSuspect  = "suspect"
	StatusProspect = "prospect"
	StatusCustomer = "customer"
)

// CheckStatus reports whether s is a contact status, with a message saying
// which are.
func CheckStatus(s string) error {
	switch s {
	case StatusSuspect, StatusProspect, StatusCustomer:
		return nil
	}
	return fmt.Errorf("%q: want suspect, prospect or customer", s)
}

// Rep is a user of the CRM: a sales rep, an admin or a manager.
type Rep struct {
	ID           int64
	Username     string
	Name         string
	Email        string
	Signature    string
	Phone        string
	Title        string
	Role         string // sales | admin | manager
	MonthlyQuota int    // activity points per month
	Disabled     bool   // may no longer sign in; still owns its contacts
}

// Event is a CRM event that may enroll contacts on tracks or end enrollments.
type Event struct {
	ContactID int64
	Name      string    // one of tracks.Events
	At        time.Time // when it happened; the anchor of `anchor: event` tracks
	Track     string    // the track a `manual` event enrolls on
	Amount    string    // sale amount, when the event carries one
	Item      string    // what was bought, serviced or attended
}

// EnrollmentState is where an enrollment stands.
type EnrollmentState string

// Enrollment states. Active and paused enrollments are open; the rest are ended.
const (
	EnrollmentActive    EnrollmentState = "active"
	EnrollmentPaused    EnrollmentState = "paused"
	EnrollmentCompleted EnrollmentState = "completed" // every step ran
	EnrollmentExited    EnrollmentState = "exited"    // an exit event ended it
	EnrollmentCanceled  EnrollmentState = "canceled"  // unenrolled by hand
)

// Open reports whether the enrollment still runs or may run again.
func (s EnrollmentState) Open() bool { return s == EnrollmentActive || s == EnrollmentPaused }

// Enrollment is one contact on one version of one track.
type Enrollment struct {
	ID           int64
	ContactID    int64
	TrackID      string
	TrackVersion int
	State        EnrollmentState
	Anchor       time.Time
	StartedAt    time.Time
	EndedAt      time.Time // zero while open
	Reason       string    // why it ended
	// Trigger is the event that started it, or for a chained enrollment the
	// one that started the first track; templates read it as .Event.
	Trigger Event
}

// TouchState is where a touch stands in the outbox.
type TouchState string

// Touch states. Scheduled, queued and running are pending; the rest are final.
const (
	TouchScheduled TouchState = "scheduled" // in PostgreSQL, not yet handed to the queue
	TouchQueued    TouchState = "queued"    // handed to the queue, waiting for a worker
	TouchRunning   TouchState = "running"   // claimed by a worker under a lease
	TouchDone      TouchState = "done"      // sent, printed or task opened
	TouchSkipped   TouchState = "skipped"
	TouchCanceled  TouchState = "canceled"
	TouchFailed    TouchState = "failed"
)

// Final reports whether the touch has reached an end state.
func (s TouchState) Final() bool {
	return s == TouchDone || s == TouchSkipped || s == TouchCanceled || s == TouchFailed
}

// Touch is one scheduled step of an enrollment: the outbox row.
type Touch struct {
	ID           int64
	EnrollmentID int64
	ContactID    int64
	TrackID      string
	TrackVersion int
	StepIndex    int
	StepID       string
	Channel      tracks.Channel
	Due          time.Time
	State        TouchState
	Attempts     int // claims so far; each claim's number is its fence
	Outages      int // of those, the ones not charged to the touch: an outage, a run before its due time (Store.ReleaseUncharged)
	LeaseUntil   time.Time
	Reason       string // why it was skipped, canceled or failed
	FinishedAt   time.Time
	MessageID    string // the Message-ID its email went out with; "" for other channels
}

// ActivityStatus is whether an activity still waits for someone.
type ActivityStatus string

// Activity statuses.
const (
	ActivityOpen     ActivityStatus = "open"
	ActivityDone     ActivityStatus = "done"
	ActivityCanceled ActivityStatus = "canceled" // a purged letter's: it never went out
)

// Activity is a logged touch or a task for a rep, with its points.
type Activity struct {
	ID          int64
	ContactID   int64
	RepID       int64 // 0 when no rep is assigned
	TouchID     int64 // 0 when entered by hand
	Type        string
	Points      int // filled from the activity type by the store
	Subject     string
	Notes       string
	Status      ActivityStatus
	Due         time.Time
	CompletedAt time.Time
	CreatedAt   time.Time
}

// ActivityType is a kind of activity and the points a rep earns for it.
type ActivityType struct {
	Name          string
	Points        int
	MonthlyTarget int // how many a rep should log a month; 0 when no target
}

// Reasons an address is on the suppression list.
const (
	SuppressUnsubscribe = "unsubscribe"
	SuppressHardBounce  = "hard_bounce"
	SuppressComplaint   = "complaint"
)

// Letter is a rendered letter filed in the pile to be printed in a batch,
// with the recipient's postal address, the signing rep and the contact's
// time zone as they were when it fell due.
type Letter struct {
	ID         int64
	ContactID  int64
	TouchID    int64
	ActivityID int64 // the activity that stays open until the letter leaves
	RepID      int64 // the signing rep; 0 when none
	Template   string
	Body       string
	CreatedAt  time.Time
	TimeZone   string // the contact's IANA zone, for the printed date
	To         letters.Address
	Signer     letters.Signer
	// Unmailable says why the letter cannot be mailed ("no city, no postal
	// code"); empty when the address is usable.
	Unmailable string
}
