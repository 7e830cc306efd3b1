package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// touchColumns are the columns scanTouch reads, from touches aliased t.
const touchColumns = `t.id, t.enrollment_id, t.contact_id, t.track_id, t.track_version,
	t.step_index, t.step_id, t.channel, t.due, t.state, t.attempts, t.lease_until,
	t.reason, t.finished_at, coalesce(t.message_id, ''), t.outages`

func scanTouch(row pgx.Row) (engine.Touch, error) {
	var (
		t             engine.Touch
		channel       string
		state         string
		lease, finish pgtype.Timestamptz
	)
	err := row.Scan(&t.ID, &t.EnrollmentID, &t.ContactID, &t.TrackID, &t.TrackVersion,
		&t.StepIndex, &t.StepID, &channel, &t.Due, &state, &t.Attempts, &lease,
		&t.Reason, &finish, &t.MessageID, &t.Outages)
	if err != nil {
		return engine.Touch{}, err
	}
	t.Channel = tracks.Channel(channel)
	t.State = engine.TouchState(state)
	t.Due = t.Due.UTC()
	t.LeaseUntil = timeOf(lease)
	t.FinishedAt = timeOf(finish)
	return t, nil
}

// queryTouches runs a query returning touchColumns and collects the rows.
func queryTouches(ctx context.Context, q querier, sql string, args ...any) ([]engine.Touch, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (engine.Touch, error) { return scanTouch(r) })
}

// Touch returns one touch.
func (x *tx) Touch(ctx context.Context, id int64) (engine.Touch, error) {
	t, err := scanTouch(x.q.QueryRow(ctx, `SELECT `+touchColumns+` FROM touches t WHERE t.id = $1`, id))
	if err != nil {
		return engine.Touch{}, fmt.Errorf("touch %d: %w", id, notFound(err))
	}
	return t, nil
}

// CreateTouch inserts t, setting its ID. An empty state means scheduled.
func (x *tx) CreateTouch(ctx context.Context, t *engine.Touch) error {
	return x.CreateTouches(ctx, []*engine.Touch{t})
}

// CreateTouches inserts the touches in one round trip, setting their IDs.
// An empty state means scheduled.
func (x *tx) CreateTouches(ctx context.Context, ts []*engine.Touch) error {
	b := &pgx.Batch{}
	for _, t := range ts {
		if t.State == "" {
			t.State = engine.TouchScheduled
		}
		b.Queue(`INSERT INTO touches (enrollment_id, contact_id, track_id, track_version,
				step_index, step_id, channel, due, state, attempts, lease_until, reason, finished_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			t.EnrollmentID, t.ContactID, t.TrackID, t.TrackVersion, t.StepIndex, t.StepID,
			string(t.Channel), t.Due, string(t.State), t.Attempts, nullTime(t.LeaseUntil), t.Reason,
			nullTime(t.FinishedAt)).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&t.ID); err != nil {
				return fmt.Errorf("create touch %s/%s for enrollment %d: %w", t.TrackID, t.StepID, t.EnrollmentID, err)
			}
			return nil
		})
	}
	return x.q.SendBatch(ctx, b).Close()
}

// PendingTouches lists an enrollment's touches that are not final, by step.
func (x *tx) PendingTouches(ctx context.Context, enrollmentID int64) ([]engine.Touch, error) {
	ts, err := queryTouches(ctx, x.q, `SELECT `+touchColumns+` FROM touches t
		WHERE t.enrollment_id = $1 AND t.state IN ('scheduled', 'queued', 'running')
		ORDER BY t.step_index`, enrollmentID)
	if err != nil {
		return nil, fmt.Errorf("pending touches of enrollment %d: %w", enrollmentID, err)
	}
	return ts, nil
}

// FinishTouch gives a pending touch its final state and reason at the given
// time. Final states are final: finishing a touch that already is fails with
// engine.ErrConflict.
func (x *tx) FinishTouch(ctx context.Context, id int64, state engine.TouchState, reason string, at time.Time) error {
	if !state.Final() {
		return fmt.Errorf("finish touch %d: %q is not a final state", id, state)
	}
	tag, err := x.q.Exec(ctx, `UPDATE touches SET state = $2, reason = $3, finished_at = $4, lease_until = NULL
		WHERE id = $1 AND state IN ('scheduled', 'queued', 'running')`, id, string(state), reason, at)
	if err == nil && tag.RowsAffected() == 0 {
		err = wrongState(ctx, x.q, "touch", id, "pending")
	}
	if err != nil {
		return fmt.Errorf("finish touch %d as %s: %w", id, state, err)
	}
	return nil
}

// RescheduleTouch moves a pending touch back to scheduled at due.
func (x *tx) RescheduleTouch(ctx context.Context, id int64, due time.Time) error {
	tag, err := x.q.Exec(ctx, `UPDATE touches SET state = 'scheduled', due = $2, lease_until = NULL, queued_at = NULL
		WHERE id = $1 AND state IN ('scheduled', 'queued', 'running')`, id, due)
	if err == nil && tag.RowsAffected() == 0 {
		err = wrongState(ctx, x.q, "touch", id, "pending")
	}
	if err != nil {
		return fmt.Errorf("reschedule touch %d: %w", id, err)
	}
	return nil
}
