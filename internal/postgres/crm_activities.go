package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// activitySelect reads the columns scanActivity scans.
const activitySelect = `SELECT a.id, coalesce(a.contact_id, 0), coalesce(c.external_id, c.email, ''),
	btrim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), coalesce(c.phone, ''),
	coalesce(r.username, ''), a.type, a.points, a.subject, a.notes, a.status, a.due, a.completed_at,
	a.created_at, coalesce(a.touch_id, 0), coalesce(t.track_id, ''), coalesce(t.step_id, '')
	FROM activities a LEFT JOIN contacts c ON c.id = a.contact_id LEFT JOIN reps r ON r.id = a.rep_id
	LEFT JOIN touches t ON t.id = a.touch_id `

// scanActivity reads one row of activitySelect.
func scanActivity(row pgx.Row) (crm.Activity, error) {
	var (
		a              crm.Activity
		due, completed pgtype.Timestamptz
	)
	err := row.Scan(&a.ID, &a.ContactID, &a.Contact, &a.ContactName, &a.Phone, &a.Rep, &a.Type,
		&a.Points, &a.Subject, &a.Notes, &a.Status, &due, &completed, &a.CreatedAt, &a.TouchID,
		&a.Track, &a.Step)
	a.Due, a.CompletedAt, a.CreatedAt = timePtr(due), timePtr(completed), a.CreatedAt.UTC()
	return a, err
}

// timePtr reads a nullable timestamp as nil or a UTC time.
func timePtr(ts pgtype.Timestamptz) *time.Time {
	if !ts.Valid {
		return nil
	}
	t := ts.Time.UTC()
	return &t
}

// Activity returns one activity.
func (r crmReader) Activity(ctx context.Context, id int64) (crm.Activity, error) {
	a, err := scanActivity(r.q.QueryRow(ctx, activitySelect+`WHERE a.id = $1`, id))
	if err != nil {
		return crm.Activity{}, fmt.Errorf("activity %d: %w", id, notFound(err))
	}
	return a, nil
}

// Activities lists the activities q selects by due time (else creation
// time), then id.
func (r crmReader) Activities(ctx context.Context, q crm.ActivityQuery) ([]crm.Activity, error) {
	return collect(ctx, r.q, "activities", scanActivity, activitySelect+`
		WHERE ($1 = 0 OR a.contact_id = $1) AND ($2 = '' OR r.username = $2) AND ($3 = '' OR a.status = $3)
			AND ($6::bigint = 0 OR a.rep_id = $6 OR c.owner_id = $6)
		ORDER BY coalesce(a.due, a.created_at), a.id OFFSET $4 LIMIT $5`,
		q.ContactID, q.Rep, q.Status, q.Offset, q.Limit, q.VisibleTo)
}

// ContactActivities lists a contact's activities by id.
func (r crmReader) ContactActivities(ctx context.Context, contactID int64) ([]crm.Activity, error) {
	return collect(ctx, r.q, fmt.Sprintf("activities of contact %d", contactID), scanActivity,
		activitySelect+`WHERE a.contact_id = $1 ORDER BY a.id`, contactID)
}

// OpenActivities lists a rep's open activities due before the instant or
// undated, the undated last, leaving out those of letters waiting in the
// pile: printing them is the manager's job, not the rep's.
func (r crmReader) OpenActivities(ctx context.Context, repID int64, before time.Time) ([]crm.Activity, error) {
	return collect(ctx, r.q, fmt.Sprintf("open activities of rep %d", repID), scanActivity, activitySelect+`
		WHERE a.rep_id = $1 AND a.status = 'open' AND (a.due IS NULL OR a.due < $2)
			`+notAWaitingLetter+`
		ORDER BY a.due NULLS LAST, a.id`, repID, before)
}

// PointsEarned sums the points of a rep's activities completed in [from, until).
func (r crmReader) PointsEarned(ctx context.Context, repID int64, from, until time.Time) (int, error) {
	var n int
	err := r.q.QueryRow(ctx, `SELECT coalesce(sum(points), 0) FROM activities
		WHERE rep_id = $1 AND status = 'done' AND completed_at >= $2 AND completed_at < $3`,
		repID, from, until).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("points of rep %d: %w", repID, err)
	}
	return n, nil
}

// CompleteActivity marks an open activity done at the instant.
func (x *crmTx) CompleteActivity(ctx context.Context, id int64, notes string, at time.Time) (bool, error) {
	tag, err := x.q.Exec(ctx, `UPDATE activities SET status = 'done', completed_at = $2,
		notes = CASE WHEN $3 = '' THEN notes WHEN notes = '' THEN $3 ELSE notes || E'\n' || $3 END
		WHERE id = $1 AND status = 'open'`, id, at, notes)
	if err != nil {
		return false, fmt.Errorf("complete activity %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// LoggedByHand counts a rep's hand-logged activities of a type on a contact
// completed in [from, until).
func (r crmReader) LoggedByHand(ctx context.Context, repID, contactID int64, typ string, from, until time.Time) (int, error) {
	var n int
	err := r.q.QueryRow(ctx, `SELECT count(*) FROM activities
		WHERE rep_id = $1 AND coalesce(contact_id, 0) = $2 AND lower(type) = lower($3) AND touch_id IS NULL
			AND status = 'done' AND completed_at >= $4 AND completed_at < $5`,
		repID, contactID, typ, from, until).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("activities logged by rep %d: %w", repID, err)
	}
	return n, nil
}
