package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
)

// t0 is the virtual "now" of the tests.
var t0 = time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)

// setup returns a store on a fresh migrated database.
func setup(t testing.TB) *postgres.Store {
	t.Helper()
	return postgres.New(pgtest.New(t))
}

// saveTrack stores a placeholder version of track id and returns its number.
func saveTrack(t testing.TB, s *postgres.Store, id string) int {
	t.Helper()
	v, _, err := s.SaveTrack(context.Background(), id, "hash-"+id, []byte("id: "+id+"\n"), id+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// addContacts inserts n contacts in one statement and returns their ids.
func addContacts(t testing.TB, s *postgres.Store, n int) []int64 {
	t.Helper()
	return queryColumn[int64](t, s.Pool(), `INSERT INTO contacts (email, time_zone)
		SELECT 'c' || g || '@example.com', 'America/Chicago' FROM generate_series(1, $1) g RETURNING id`, n)
}

// newEnrollment is a BulkEnroll entry starting at t0 whose first touch, an
// email, falls due at due.
func newEnrollment(contactID int64, track string, version int, policy string, due time.Time) engine.NewEnrollment {
	return engine.NewEnrollment{
		Enrollment: engine.Enrollment{
			ContactID: contactID, TrackID: track, TrackVersion: version,
			State: engine.EnrollmentActive, Anchor: t0, StartedAt: t0,
		},
		First: engine.Touch{
			ContactID: contactID, TrackID: track, TrackVersion: version,
			StepIndex: 0, StepID: "welcome", Channel: tracks.ChannelEmail, Due: due,
			State: engine.TouchScheduled,
		},
		Reenroll: policy,
	}
}

// enrollAll enrolls every contact on track, the i-th first touch due at due(i).
func enrollAll(t testing.TB, s *postgres.Store, track string, ids []int64, due func(i int) time.Time) {
	t.Helper()
	version := saveTrack(t, s, track)
	es := make([]engine.NewEnrollment, len(ids))
	for i, id := range ids {
		es[i] = newEnrollment(id, track, version, "never", due(i))
	}
	n, err := s.BulkEnroll(context.Background(), es)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(ids) {
		t.Fatalf("BulkEnroll created %d enrollments, want %d", n, len(ids))
	}
}

// inTx runs fn in a store transaction and fails t on error.
func inTx(t testing.TB, s *postgres.Store, fn func(ctx context.Context, tx engine.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := s.Tx(ctx, func(tx engine.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// touchesOf returns the touches of one contact, by id.
func pendingOf(t testing.TB, s *postgres.Store, contactID int64) []engine.Touch {
	t.Helper()
	var ts []engine.Touch
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		ens, err := tx.Enrollments(ctx, contactID, "")
		for _, e := range ens {
			p, err := tx.PendingTouches(ctx, e.ID)
			if err != nil {
				return err
			}
			ts = append(ts, p...)
		}
		return err
	})
	return ts
}
