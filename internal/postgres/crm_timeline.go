package postgres

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Touches lists a contact's touches by due time, then id.
func (r crmReader) Touches(ctx context.Context, contactID int64) ([]crm.TouchInfo, error) {
	return collect(ctx, r.q, fmt.Sprintf("touches of contact %d", contactID), func(row pgx.Row) (crm.TouchInfo, error) {
		var (
			t        crm.TouchInfo
			finished pgtype.Timestamptz
		)
		err := row.Scan(&t.ID, &t.EnrollmentID, &t.Track, &t.Step, &t.Channel, &t.Due, &t.State,
			&t.Reason, &t.Attempts, &finished)
		t.Due, t.FinishedAt = t.Due.UTC(), timePtr(finished)
		return t, err
	}, `SELECT id, enrollment_id, track_id, step_id, channel, due, state, reason,
		attempts - outages, finished_at FROM touches WHERE contact_id = $1 ORDER BY due, id`, contactID)
}

// Enrollments lists a contact's enrollments, newest first.
func (r crmReader) Enrollments(ctx context.Context, contactID int64) ([]crm.Enrollment, error) {
	return collect(ctx, r.q, fmt.Sprintf("enrollments of contact %d", contactID), func(row pgx.Row) (crm.Enrollment, error) {
		var (
			e     crm.Enrollment
			ended pgtype.Timestamptz
		)
		err := row.Scan(&e.ID, &e.Track, &e.Version, &e.State, &e.Anchor, &e.StartedAt, &ended, &e.Reason)
		e.Anchor, e.StartedAt, e.EndedAt = e.Anchor.UTC(), e.StartedAt.UTC(), timePtr(ended)
		return e, err
	}, `SELECT id, track_id, track_version, state, anchor, started_at,
		ended_at, reason FROM enrollments WHERE contact_id = $1 ORDER BY started_at DESC, id DESC`, contactID)
}
