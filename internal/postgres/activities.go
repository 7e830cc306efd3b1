package postgres

import (
	"context"
	"errors"
	"fmt"

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

// CreateActivities is CreateActivity for many activities, in one round trip.
func (x *tx) CreateActivities(ctx context.Context, as []*engine.Activity) error {
	b := &pgx.Batch{}
	for _, a := range as {
		if a.Status == "" {
			a.Status = engine.ActivityOpen
		}
		b.Queue(`INSERT INTO activities (contact_id, rep_id, touch_id, type, points,
				subject, notes, status, due, completed_at, created_at)
			SELECT $1, $2, $3, t.name, t.points, $5, $6, $7, $8, $9, coalesce($10, now())
			FROM activity_types t WHERE lower(t.name) = lower($4)
			RETURNING id, type, points, created_at`,
			nullID(a.ContactID), nullID(a.RepID), nullID(a.TouchID), a.Type, a.Subject, a.Notes,
			string(a.Status), nullTime(a.Due), nullTime(a.CompletedAt), nullTime(a.CreatedAt),
		).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&a.ID, &a.Type, &a.Points, &a.CreatedAt)
			if errors.Is(err, pgx.ErrNoRows) {
				err = fmt.Errorf("unknown activity type %q: %w", a.Type, engine.ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("log activity for contact %d: %w", a.ContactID, err)
			}
			a.CreatedAt = a.CreatedAt.UTC()
			return nil
		})
	}
	return x.q.SendBatch(ctx, b).Close()
}
