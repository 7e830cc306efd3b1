package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

const enrollmentColumns = `e.id, e.contact_id, e.track_id, e.track_version, e.state, e.anchor,
	e.started_at, e.ended_at, e.reason, e.event_name, e.event_at, e.event_item, e.event_amount`

func scanEnrollment(row pgx.Row) (engine.Enrollment, error) {
	var (
		e     engine.Enrollment
		state string
		ended pgtype.Timestamptz
		evAt  pgtype.Timestamptz
	)
	err := row.Scan(&e.ID, &e.ContactID, &e.TrackID, &e.TrackVersion, &state, &e.Anchor,
		&e.StartedAt, &ended, &e.Reason, &e.Trigger.Name, &evAt, &e.Trigger.Item, &e.Trigger.Amount)
	if err != nil {
		return engine.Enrollment{}, err
	}
	e.State = engine.EnrollmentState(state)
	e.Anchor = e.Anchor.UTC()
	e.StartedAt = e.StartedAt.UTC()
	e.EndedAt = timeOf(ended)
	e.Trigger.At = timeOf(evAt)
	return e, nil
}

// Enrollments lists a contact's enrollments, newest first; trackID "" means
// every track.
func (x *tx) Enrollments(ctx context.Context, contactID int64, trackID string) ([]engine.Enrollment, error) {
	rows, err := x.q.Query(ctx, `SELECT `+enrollmentColumns+` FROM enrollments e
		WHERE e.contact_id = $1 AND ($2 = '' OR e.track_id = $2)
		ORDER BY e.started_at DESC, e.id DESC`, contactID, trackID)
	if err != nil {
		return nil, fmt.Errorf("enrollments of contact %d: %w", contactID, err)
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (engine.Enrollment, error) { return scanEnrollment(r) })
	if err != nil {
		return nil, fmt.Errorf("enrollments of contact %d: %w", contactID, err)
	}
	return es, nil
}

// Enrollment returns one enrollment.
func (x *tx) Enrollment(ctx context.Context, id int64) (engine.Enrollment, error) {
	e, err := scanEnrollment(x.q.QueryRow(ctx, `SELECT `+enrollmentColumns+` FROM enrollments e WHERE e.id = $1`, id))
	if err != nil {
		return engine.Enrollment{}, fmt.Errorf("enrollment %d: %w", id, notFound(err))
	}
	return e, nil
}

// CreateEnrollment inserts e and its first touch, setting their IDs and the
// touch's EnrollmentID. An empty state means active. When the contact already
// has an open enrollment on the track it inserts nothing and fails with
// engine.ErrConflict, leaving the transaction usable.
func (x *tx) CreateEnrollment(ctx context.Context, e *engine.Enrollment, first *engine.Touch) error {
	if e.State == "" {
		e.State = engine.EnrollmentActive
	}
	err := x.q.QueryRow(ctx, `INSERT INTO enrollments (contact_id, track_id, track_version, state,
			anchor, started_at, ended_at, reason, event_name, event_at, event_item, event_amount)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (contact_id, track_id) WHERE state IN ('active', 'paused') DO NOTHING
		RETURNING id`,
		e.ContactID, e.TrackID, e.TrackVersion, string(e.State), e.Anchor, e.StartedAt,
		nullTime(e.EndedAt), e.Reason, e.Trigger.Name, nullTime(e.Trigger.At), e.Trigger.Item, e.Trigger.Amount).Scan(&e.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("an open enrollment exists: %w", engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("enroll contact %d on %s v%d: %w", e.ContactID, e.TrackID, e.TrackVersion, err)
	}
	first.EnrollmentID = e.ID
	return x.CreateTouch(ctx, first)
}

// SetEnrollmentState changes an open enrollment's state and reason. An ended
// state (completed, exited, canceled) also records at as its end. Ended is
// final: changing an ended enrollment fails with engine.ErrConflict, so a
// pause racing an exit cannot reopen it.
func (x *tx) SetEnrollmentState(ctx context.Context, id int64, state engine.EnrollmentState, reason string, at time.Time) error {
	n, err := x.setEnrollmentStates(ctx, []int64{id}, state, reason, at)
	if err == nil && n == 0 {
		err = wrongState(ctx, x.q, "enrollment", id, "open")
	}
	if err != nil {
		return fmt.Errorf("set enrollment %d %s: %w", id, state, err)
	}
	return nil
}

// SetEnrollmentStates is SetEnrollmentState for many enrollments in one
// statement; when one of them is not open it fails with engine.ErrConflict.
func (x *tx) SetEnrollmentStates(ctx context.Context, ids []int64, state engine.EnrollmentState, reason string, at time.Time) error {
	n, err := x.setEnrollmentStates(ctx, ids, state, reason, at)
	if err == nil && n != int64(len(ids)) {
		err = fmt.Errorf("%d of them not open: %w", int64(len(ids))-n, engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("set %d enrollments %s: %w", len(ids), state, err)
	}
	return nil
}

// setEnrollmentStates changes the open ones of the enrollments and reports how many.
func (x *tx) setEnrollmentStates(ctx context.Context, ids []int64, state engine.EnrollmentState, reason string, at time.Time) (int64, error) {
	var ended *time.Time
	if !state.Open() {
		ended = &at
	}
	tag, err := x.q.Exec(ctx, `UPDATE enrollments SET state = $2, ended_at = $3, reason = $4
		WHERE id = ANY($1) AND state IN ('active', 'paused')`, ids, string(state), ended, reason)
	return tag.RowsAffected(), err
}

// OpenEnrollments lists the active and paused enrollments of the contacts.
func (x *tx) OpenEnrollments(ctx context.Context, contactIDs []int64) ([]engine.Enrollment, error) {
	return collect(ctx, x.q, "open enrollments", scanEnrollment, `SELECT `+enrollmentColumns+` FROM enrollments e
		WHERE e.contact_id = ANY($1) AND e.state IN ('active', 'paused')`, contactIDs)
}
