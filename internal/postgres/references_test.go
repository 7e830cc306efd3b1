package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The references enrollments and touches make (migration 0013) hold as
// the foreign keys they replace did: a missing target is refused, a delete
// cascades, a referenced key or track version stays.
func TestReferencesChecked(t *testing.T) {
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 2)
	enrollAll(t, s, "refs", ids, func(int) time.Time { return t0 })
	exec := func(sql string, args ...any) error {
		_, err := s.Pool().Exec(ctx, sql, args...)
		return err
	}
	for _, id := range ids {
		if err := exec(`INSERT INTO events (contact_id, name, at) VALUES ($1, 'contact.updated', now())`, id); err != nil {
			t.Fatal(err)
		}
	}
	err := exec(`WITH r AS (INSERT INTO reps (username) VALUES ('refs-owner') RETURNING id),
		c AS (INSERT INTO companies (name) VALUES ('Refs') RETURNING id)
		UPDATE contacts SET owner_id = (SELECT id FROM r), company_id = (SELECT id FROM c)`)
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name, sql string
		args      []any
	}{
		{"enrollment of a missing contact", `INSERT INTO enrollments (contact_id, track_id, track_version, anchor, started_at)
			VALUES (-1, 'refs', 1, now(), now())`, nil},
		{"enrollment of a missing track version", `INSERT INTO enrollments (contact_id, track_id, track_version, state, anchor, started_at, ended_at)
			VALUES ($1, 'refs', 99, 'completed', now(), now(), now())`, []any{ids[0]}},
		{"touch of a missing enrollment", `INSERT INTO touches (enrollment_id, contact_id, track_id, track_version, step_index, step_id, channel, due)
			VALUES (-1, $1, 'refs', 1, 5, 'x', 'email', now())`, []any{ids[0]}},
		{"event of a missing contact", `INSERT INTO events (contact_id, name, at) VALUES (-1, 'contact.updated', now())`, nil},
		{"event moved to a missing contact", `UPDATE events SET contact_id = -1 WHERE contact_id = $1`, []any{ids[0]}},
		{"enrollment moved to a missing contact", `UPDATE enrollments SET contact_id = -1 WHERE contact_id = $1`, []any{ids[0]}},
		{"enrollment moved to a missing version", `UPDATE enrollments SET track_version = 99 WHERE contact_id = $1`, []any{ids[0]}},
		{"touch moved to a missing enrollment", `UPDATE touches SET enrollment_id = -1 WHERE contact_id = $1`, []any{ids[0]}},
		{"referenced track version deleted", `DELETE FROM tracks WHERE id = 'refs'`, nil},
		{"referenced track version renumbered", `UPDATE tracks SET version = 7 WHERE id = 'refs'`, nil},
		{"referenced contact id changed", `UPDATE contacts SET id = DEFAULT WHERE id = $1`, []any{ids[0]}},
		{"referenced enrollment id changed", `UPDATE enrollments SET id = DEFAULT WHERE contact_id = $1`, []any{ids[0]}},
		{"contact of a missing company", `INSERT INTO contacts (email, company_id) VALUES ('x@example.com', -1)`, nil},
		{"contact given a missing owner", `UPDATE contacts SET owner_id = -1 WHERE id = $1`, []any{ids[0]}},
		{"referenced rep id changed", `UPDATE reps SET id = DEFAULT WHERE username = 'refs-owner'`, nil},
		{"tracks truncated", `TRUNCATE tracks`, nil},
		{"enrollments truncated", `TRUNCATE enrollments`, nil},
	}
	for _, r := range refused {
		if err := exec(r.sql, r.args...); !isCode(err, "23503") {
			t.Errorf("%s: %v, want a foreign key violation", r.name, err)
		}
	}
	if err := exec(`DELETE FROM contacts WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := exec(`DELETE FROM reps WHERE username = 'refs-owner'`); err != nil {
		t.Fatal(err)
	}
	if err := exec(`DELETE FROM companies WHERE name = 'Refs'`); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s.Pool(), `SELECT count(*) FROM contacts WHERE owner_id IS NOT NULL OR company_id IS NOT NULL`); n != 0 {
		t.Errorf("%d contacts still name a deleted owner or company", n)
	}
	left, kept := dependants(t, s, ids[0]), dependants(t, s, ids[1])
	if left != 0 || kept != 3 {
		t.Errorf("after deleting a contact: %d of its enrollments, touches and events left, %d of the other's, want 0 and 3", left, kept)
	}
}

// An enrollment written while its contact is being deleted does not outlive
// the contact, whichever of the two transactions comes first.
func TestEnrollmentRacesContactDelete(t *testing.T) {
	s := setup(t)
	ctx := context.Background()
	version := saveTrack(t, s, "race")
	ids := addContacts(t, s, 2)
	entry := func(id int64) []engine.NewEnrollment {
		return []engine.NewEnrollment{newEnrollment(id, "race", version, "never", t0)}
	}

	// The enrollment first: the delete waits for it, then takes it along.
	del := make(chan error, 1)
	err := s.Tx(ctx, func(tx engine.Tx) error {
		if _, err := tx.EnrollAll(ctx, entry(ids[0])); err != nil {
			return err
		}
		go func() {
			_, err := s.Pool().Exec(ctx, `DELETE FROM contacts WHERE id = $1`, ids[0])
			del <- err
		}()
		waitBlocked(t, s, "DELETE FROM contacts%", del)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-del; err != nil {
		t.Fatal(err)
	}
	orphans(t, s, ids[0])

	// The delete first: the enrollment waits for it, then fails.
	d, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Rollback(ctx)
	if _, err := d.Exec(ctx, `DELETE FROM contacts WHERE id = $1`, ids[1]); err != nil {
		t.Fatal(err)
	}
	enrolled := make(chan error, 1)
	go func() {
		_, err := s.BulkEnroll(ctx, entry(ids[1]))
		enrolled <- err
	}()
	waitBlocked(t, s, "INSERT INTO enrollments%", enrolled)
	if err := d.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-enrolled; !isCode(err, "23503") {
		t.Errorf("enrolling a contact deleted meanwhile: %v, want a foreign key violation", err)
	}
	orphans(t, s, ids[1])
}

// Under REPEATABLE READ an enrollment of a contact deleted after the
// transaction's snapshot fails: the check cannot trust the snapshot.
func TestEnrollmentRepeatableRead(t *testing.T) {
	s := setup(t)
	ctx := context.Background()
	version := saveTrack(t, s, "rr")
	id := addContacts(t, s, 1)[0]
	tx, err := s.Pool().BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT count(*) FROM contacts`); err != nil { // takes the snapshot
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `DELETE FROM contacts WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO enrollments (contact_id, track_id, track_version, anchor, started_at)
		VALUES ($1, 'rr', $2, now(), now())`, id, version)
	if err == nil {
		err = tx.Commit(ctx)
	}
	if !isCode(err, "40001") && !isCode(err, "23503") {
		t.Errorf("enrolling under REPEATABLE READ a contact deleted since the snapshot: %v, want a failure", err)
	}
	orphans(t, s, id)
}

// TestRepeatableReadDeleteRefused: a REPEATABLE READ transaction whose
// snapshot predates an enrollment committed meanwhile cannot delete the
// contact: its cascade would miss the enrollment and leave it, and its
// touch, pointing nowhere. It is refused, as a foreign key refuses it.
func TestRepeatableReadDeleteRefused(t *testing.T) {
	s := setup(t)
	ctx := context.Background()
	id := addContacts(t, s, 1)[0]
	d, err := s.Pool().BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Rollback(ctx)
	if _, err := d.Exec(ctx, `SELECT count(*) FROM contacts`); err != nil { // the snapshot
		t.Fatal(err)
	}
	enrollAll(t, s, "rrdel", []int64{id}, func(int) time.Time { return t0 })
	before := dependants(t, s, id)
	_, err = d.Exec(ctx, `DELETE FROM contacts WHERE id = $1`, id)
	if err == nil {
		err = d.Commit(ctx)
	}
	if !isCode(err, "40001") {
		t.Fatalf("delete under an old snapshot = %v, want SQLSTATE 40001", err)
	}
	if n := dependants(t, s, id); n != before || n == 0 {
		t.Fatalf("contact %d has %d enrollments, touches and events, want its %d kept", id, n, before)
	}
}

// waitBlocked waits until a backend running a statement like pattern waits
// for a lock, or until done (the statement's result) is ready; it puts the
// result back.
func waitBlocked(t *testing.T, s *postgres.Store, pattern string, done chan error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		select {
		case err := <-done:
			done <- err
			return
		default:
		}
		var blocked bool
		err := s.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1)`, pattern).Scan(&blocked)
		if err != nil {
			t.Fatalf("waiting for %q to block: %v", pattern, err)
		}
		if blocked {
			return
		}
	}
}

// orphans fails t when an enrollment, touch or event of the deleted
// contact is left.
func orphans(t *testing.T, s *postgres.Store, id int64) {
	t.Helper()
	if n := dependants(t, s, id); n != 0 {
		t.Errorf("%d enrollments, touches and events of deleted contact %d left", n, id)
	}
}

// dependants counts a contact's enrollments, touches and events.
func dependants(t *testing.T, s *postgres.Store, id int64) int {
	t.Helper()
	return countRows(t, s.Pool(), `SELECT (SELECT count(*) FROM enrollments WHERE contact_id = $1)
		+ (SELECT count(*) FROM touches WHERE contact_id = $1) + (SELECT count(*) FROM events WHERE contact_id = $1)`, id)
}

// isCode reports whether err is a PostgreSQL error with the SQLSTATE code.
func isCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}
