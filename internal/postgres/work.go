package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/engine"
)

// Work implements engine.Store: the enrollment, the contact, its owner and
// its address's suppression go to the server as one batch, one round trip.
func (s *Store) Work(ctx context.Context, t engine.Touch) (engine.Work, error) {
	var w engine.Work
	b := &pgx.Batch{}
	b.Queue(`SELECT `+enrollmentColumns+` FROM enrollments e WHERE e.id = $1`, t.EnrollmentID).
		QueryRow(func(row pgx.Row) (err error) { w.Enrollment, err = scanEnrollment(row); return err })
	b.Queue(`SELECT `+contactColumns+contactsFrom+`WHERE c.id = $1`, t.ContactID).
		QueryRow(func(row pgx.Row) (err error) { w.Contact, err = scanContact(row); return err })
	b.Queue(`SELECT `+repColumns+` FROM reps r JOIN contacts c ON c.owner_id = r.id WHERE c.id = $1`, t.ContactID).
		QueryRow(func(row pgx.Row) (err error) {
			if w.Owner, err = scanRep(row); errors.Is(err, pgx.ErrNoRows) {
				err = nil
			}
			return err
		})
	b.Queue(`SELECT s.reason FROM suppressions s JOIN contacts c ON s.email = lower(btrim(c.email))
		WHERE c.id = $1 AND c.email <> ''`, t.ContactID).
		QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&w.Suppressed); err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			return nil
		})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return engine.Work{}, fmt.Errorf("work for touch %d: %w", t.ID, notFound(err))
	}
	return w, nil
}

// FinishClaimed implements engine.Tx.
func (x *tx) FinishClaimed(ctx context.Context, id int64, attempt int, state engine.TouchState, reason string, at time.Time) (bool, error) {
	if !state.Final() {
		return false, fmt.Errorf("finish touch %d: %q is not a final state", id, state)
	}
	tag, err := x.q.Exec(ctx, `UPDATE touches SET state = $2, reason = $3, finished_at = $4, lease_until = NULL
		WHERE id = $1 AND state = 'running' AND attempts = $5`, id, string(state), reason, at, attempt)
	if err != nil {
		return false, fmt.Errorf("finish touch %d as %s: %w", id, state, err)
	}
	return tag.RowsAffected() == 1, nil
}
