package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
)

// ActivityTypes lists every activity type by name.
func (s *Store) ActivityTypes(ctx context.Context) ([]engine.ActivityType, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, points, monthly_target FROM activity_types ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("activity types: %w", err)
	}
	types, err := pgx.CollectRows(rows, pgx.RowToStructByPos[engine.ActivityType])
	if err != nil {
		return nil, fmt.Errorf("activity types: %w", err)
	}
	return types, nil
}

// CreateActivity inserts a and sets its ID, its Points from its type and its
// Type to the type's exact name (types match case-insensitively). An unknown
// type fails with an error naming it that wraps engine.ErrNotFound. An empty
// status means open; a zero CreatedAt means the database's time.
func (x *tx) CreateActivity(ctx context.Context, a *engine.Activity) error {
	return x.CreateActivities(ctx, []*engine.Activity{a})
}

// CreateActivities is CreateActivity for many activities, in one
// statement: each row takes the next id of the table's sequence beside its
// place in the list, so the ids come back to the right activities.
func (x *tx) CreateActivities(ctx context.Context, as []*engine.Activity) error {
	var (
		contacts, reps, touches          = make([]*int64, len(as)), make([]*int64, len(as)), make([]*int64, len(as))
		types, subjects, notes, statuses = make([]string, len(as)), make([]string, len(as)), make([]string, len(as)), make([]string, len(as))
		dues, completed, created         = make([]*time.Time, len(as)), make([]*time.Time, len(as)), make([]*time.Time, len(as))
	)
	for i, a := range as {
		if a.Status == "" {
			a.Status = engine.ActivityOpen
		}
		contacts[i], reps[i], touches[i] = nullID(a.ContactID), nullID(a.RepID), nullID(a.TouchID)
		types[i], subjects[i], notes[i], statuses[i] = a.Type, a.Subject, a.Notes, string(a.Status)
		dues[i], completed[i], created[i] = nullTime(a.Due), nullTime(a.CompletedAt), nullTime(a.CreatedAt)
	}
	rows, err := x.q.Query(ctx, `WITH v AS (
			SELECT nextval(pg_get_serial_sequence('activities', 'id')) AS id, u.*, t.name, t.points
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::timestamptz[], $9::timestamptz[], $10::timestamptz[]) WITH ORDINALITY
				AS u(contact_id, rep_id, touch_id, type, subject, notes, status, due, completed_at, created_at, ord)
			JOIN activity_types t ON lower(t.name) = lower(u.type)
		), made AS (
			INSERT INTO activities (id, contact_id, rep_id, touch_id, type, points,
				subject, notes, status, due, completed_at, created_at)
			OVERRIDING SYSTEM VALUE
			SELECT id, contact_id, rep_id, touch_id, name, points, subject, notes, status, due, completed_at,
				coalesce(created_at, now())
			FROM v
			RETURNING id, created_at
		)
		SELECT v.ord, v.id, v.name, v.points, made.created_at FROM v JOIN made USING (id) ORDER BY v.ord`,
		contacts, reps, touches, types, subjects, notes, statuses, dues, completed, created)
	if err != nil {
		return fmt.Errorf("log %d activities: %w", len(as), err)
	}
	defer rows.Close()
	next := 0 // as[next] is the first activity not read back
	for rows.Next() {
		var ord int
		var a engine.Activity
		if err := rows.Scan(&ord, &a.ID, &a.Type, &a.Points, &a.CreatedAt); err != nil {
			return fmt.Errorf("log %d activities: %w", len(as), err)
		}
		if ord != next+1 { // the activity at next was left out: its type is unknown
			break
		}
		as[next].ID, as[next].Type, as[next].Points, as[next].CreatedAt = a.ID, a.Type, a.Points, a.CreatedAt.UTC()
		next++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("log %d activities: %w", len(as), err)
	}
	if next < len(as) {
		return fmt.Errorf("log activity for contact %d: unknown activity type %q: %w", as[next].ContactID, as[next].Type, engine.ErrNotFound)
	}
	return nil
}
