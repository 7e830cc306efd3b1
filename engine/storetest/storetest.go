// Package storetest is the contract every engine.Store keeps: one suite of
// cases that runs against each implementation (PostgreSQL in
// internal/postgres, memory in internal/memstore), so the engine behaves the
// same on both and simulate predicts what the daemon does.
//
// An adapter's tests call Run with a function that opens a fresh, empty
// store for one test:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Harness { … })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// Harness is one fresh, empty store under test with the means to fill it,
// which the engine's ports do not offer.
type Harness struct {
	Store engine.Store
	// AddContact stores c (its OwnerID, when set, names a rep added with
	// AddRep) and returns its id; it fails the test itself.
	AddContact func(c engine.Contact) int64
	// AddRep stores r and returns its id; it fails the test itself.
	AddRep func(r engine.Rep) int64
}

// T0 is the suite's "now".
var T0 = time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)

// Run runs every case of the contract, each as a parallel subtest on a store
// of its own from open.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	cases := []struct {
		name string
		fn   func(*env)
	}{
		{"QueueDueOrderAndLimit", queueDueOrderAndLimit},
		{"QueueDueSkipsPaused", queueDueSkipsPaused},
		{"QueueDueConcurrentCallersShareNothing", queueDueConcurrent},
		{"RequeueStaleAndExpiredLeases", requeueStaleAndExpired},
		{"ClaimOnce", claimOnce},
		{"ClaimAfterLeaseExpiry", claimAfterLeaseExpiry},
		{"ClaimFinalOrScheduled", claimFinalOrScheduled},
		{"ReleaseStaleAttempt", releaseStaleAttempt},
		{"ReleaseUnchargedCountsApart", releaseOutageCountsApart},
		{"RenewLease", renewLease},
		{"MessageIDKeptWithTheFinish", messageIDKeptWithTheFinish},
		{"PauseSendsTouchBackToScheduled", pauseBackToScheduled},
		{"FinishStaleAttempt", finishClaimedStale},
		{"FinishNoLongerRunning", finishClaimedNotRunning},
		{"FinishTouchIsFinal", finishTouchIsFinal},
		{"RescheduleTouch", rescheduleTouch},
		{"EndedEnrollmentStaysEnded", endedEnrollmentStaysEnded},
		{"CreateEnrollmentWhileOpen", createEnrollmentWhileOpen},
		{"BulkEnrollReenrollRules", bulkEnrollReenroll},
		{"SaveTrackVersions", saveTrackVersions},
		{"MoveEnrollments", moveEnrollments},
		{"BirthdaysOn", birthdaysOn},
		{"SuppressedTrimsAndLowers", suppressedTrimsAndLowers},
		{"RecordEventOnce", recordEventOnce},
		{"RecordEventsOnce", recordEventsOnce},
		{"EnrollAllInTx", enrollAllInTx},
		{"TxRollsBack", txRollsBack},
		{"WorkReadsWhatAWorkerNeeds", workReads},
		{"TrackStateHoldsTouches", trackStateHoldsTouches},
		{"TrackStatuses", trackStatuses},
		{"OverdueEnrollments", overdueEnrollments},
		{"ClaimAllOnce", claimAllOnce},
		{"WorkAllReads", workAllReads},
		{"FinishAllClaimed", finishAllClaimed},
		{"WriteTogether", writeTogether},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(newEnv(t, open(t)))
		})
	}
}

// track is the id of the track every case enrolls on; version 1 is saved.
const track = "gi"

// env is one case's store with helpers.
type env struct {
	t   *testing.T
	ctx context.Context
	h   Harness
	s   engine.Store

	contacts int // stored by contact, for their external ids
}

func newEnv(t *testing.T, h Harness) *env {
	e := &env{t: t, ctx: t.Context(), h: h, s: h.Store}
	if v := e.saveTrack(track, "hash-1"); v != 1 {
		t.Fatalf("first SaveTrack = version %d, want 1", v)
	}
	return e
}

func (e *env) saveTrack(id, hash string) int {
	e.t.Helper()
	v, _, err := e.s.SaveTrack(e.ctx, id, hash, []byte("id: "+id+"\n# "+hash+"\n"), id+".yaml")
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// contact stores a contact with the email and an external id of its own.
func (e *env) contact(email string) int64 {
	e.t.Helper()
	e.contacts++
	return e.h.AddContact(engine.Contact{ExternalID: fmt.Sprintf("c-%d", e.contacts), Email: email,
		FirstName: "Pat", TimeZone: "America/Chicago", Status: engine.StatusProspect})
}

// newEnrollment is an active enrollment on track v1 with its first touch due at due.
func newEnrollment(contact int64, policy tracks.Reenroll, due time.Time) engine.NewEnrollment {
	return engine.NewEnrollment{
		Enrollment: engine.Enrollment{ContactID: contact, TrackID: track, TrackVersion: 1,
			State: engine.EnrollmentActive, Anchor: T0, StartedAt: T0},
		First: engine.Touch{ContactID: contact, TrackID: track, TrackVersion: 1, StepIndex: 0, StepID: "welcome",
			Channel: tracks.ChannelEmail, Due: due, State: engine.TouchScheduled},
		Reenroll: string(policy),
	}
}

// enroll enrolls a new contact with its first touch due at due, in a transaction.
func (e *env) enroll(due time.Time) (engine.Enrollment, engine.Touch) {
	e.t.Helper()
	ne := newEnrollment(e.contact(""), tracks.ReenrollNever, due)
	e.tx(func(tx engine.Tx) error { return tx.CreateEnrollment(e.ctx, &ne.Enrollment, &ne.First) })
	if ne.Enrollment.ID == 0 || ne.First.ID == 0 || ne.First.EnrollmentID != ne.Enrollment.ID {
		e.t.Fatalf("CreateEnrollment left ids unset: %+v %+v", ne.Enrollment, ne.First)
	}
	return ne.Enrollment, ne.First
}

// tx runs fn in a transaction that must commit.
func (e *env) tx(fn func(engine.Tx) error) {
	e.t.Helper()
	if err := e.s.Tx(e.ctx, fn); err != nil {
		e.t.Fatal(err)
	}
}

// conflict runs fn in a transaction that must fail with engine.ErrConflict.
func (e *env) conflict(what string, fn func(engine.Tx) error) {
	e.t.Helper()
	if err := e.s.Tx(e.ctx, fn); !errors.Is(err, engine.ErrConflict) {
		e.t.Fatalf("%s = %v, want ErrConflict", what, err)
	}
}

// touch reads a touch.
func (e *env) touch(id int64) engine.Touch {
	e.t.Helper()
	var tc engine.Touch
	e.tx(func(tx engine.Tx) (err error) { tc, err = tx.Touch(e.ctx, id); return err })
	return tc
}

// enrollment reads an enrollment.
func (e *env) enrollment(id int64) engine.Enrollment {
	e.t.Helper()
	var en engine.Enrollment
	e.tx(func(tx engine.Tx) (err error) { en, err = tx.Enrollment(e.ctx, id); return err })
	return en
}

// queue queues everything due before until and returns it.
func (e *env) queue(now, until time.Time) []engine.Touch {
	e.t.Helper()
	ts, err := e.s.QueueDue(e.ctx, now, until, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return ts
}

// claimed enrolls a contact whose first touch is due at T0, queues it and
// claims it with a one-minute lease.
func (e *env) claimed() (engine.Enrollment, engine.Touch) {
	e.t.Helper()
	en, first := e.enroll(T0)
	if ts := e.queue(T0, T0.Add(time.Second)); len(ts) != 1 || ts[0].ID != first.ID {
		e.t.Fatalf("QueueDue = %+v, want touch %d", ts, first.ID)
	}
	tc, ok, err := e.s.Claim(e.ctx, first.ID, T0, T0.Add(time.Minute))
	if err != nil || !ok {
		e.t.Fatalf("Claim = %v, %v", ok, err)
	}
	return en, tc
}

// ids lists the touches' ids in order.
func ids(ts []engine.Touch) []int64 {
	out := make([]int64, len(ts))
	for i, tc := range ts {
		out[i] = tc.ID
	}
	return out
}
