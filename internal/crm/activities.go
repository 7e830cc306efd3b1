package crm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Activity is a logged touch, or a task or call waiting for a rep, with the
// points it earns.
type Activity struct {
	ID          int64      `json:"id"`
	ContactID   int64      `json:"contact_id,omitempty"`
	Contact     string     `json:"contact,omitempty"`      // external_id, else email
	ContactName string     `json:"contact_name,omitempty"` // first and last name
	Phone       string     `json:"phone,omitempty"`        // the contact's, for calls
	Rep         string     `json:"rep,omitempty"`          // the assigned rep's username
	Type        string     `json:"type"`
	Points      int        `json:"points"`
	Subject     string     `json:"subject"`
	Notes       string     `json:"notes"`
	Status      string     `json:"status"` // open | done
	Due         *time.Time `json:"due,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	TouchID     int64      `json:"touch_id,omitempty"` // set when a track step logged it
	Track       string     `json:"track,omitempty"`
	Step        string     `json:"step,omitempty"`
}

const activitySelect = `SELECT a.id, coalesce(a.contact_id, 0), coalesce(c.external_id, c.email, ''),
	btrim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), coalesce(c.phone, ''),
	coalesce(r.username, ''), a.type, a.points, a.subject, a.notes, a.status, a.due, a.completed_at,
	a.created_at, coalesce(a.touch_id, 0), coalesce(t.track_id, ''), coalesce(t.step_id, '')
	FROM activities a LEFT JOIN contacts c ON c.id = a.contact_id LEFT JOIN reps r ON r.id = a.rep_id
	LEFT JOIN touches t ON t.id = a.touch_id `

func scanActivity(row pgx.Row) (Activity, error) {
	var (
		a              Activity
		due, completed pgtype.Timestamptz
	)
	err := row.Scan(&a.ID, &a.ContactID, &a.Contact, &a.ContactName, &a.Phone, &a.Rep, &a.Type,
		&a.Points, &a.Subject, &a.Notes, &a.Status, &due, &completed, &a.CreatedAt, &a.TouchID,
		&a.Track, &a.Step)
	a.Due, a.CompletedAt, a.CreatedAt = timePtr(due), timePtr(completed), a.CreatedAt.UTC()
	return a, err
}

// collectActivities runs a query selecting activitySelect's columns.
func collectActivities(ctx context.Context, q querier, sql string, args ...any) ([]Activity, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Activity, error) { return scanActivity(r) })
}

// timePtr reads a nullable timestamp as nil or a UTC time.
func timePtr(ts pgtype.Timestamptz) *time.Time {
	if !ts.Valid {
		return nil
	}
	t := ts.Time.UTC()
	return &t
}

// ActivityFilter selects activities; empty fields select all.
type ActivityFilter struct {
	Contact string // a contact reference
	Rep     string // a rep's username
	Status  string // open | done
	Offset  int
	Limit   int // default 100, at most 1000
}

// ListActivities lists activities by due time (else creation time), oldest first.
func (s *Store) ListActivities(ctx context.Context, f ActivityFilter) ([]Activity, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	switch {
	case f.Limit > 1000:
		return nil, invalid("limit", "at most 1000")
	case f.Offset < 0:
		return nil, invalid("offset", "must not be negative")
	case f.Status != "" && f.Status != string(engine.ActivityOpen) && f.Status != string(engine.ActivityDone):
		return nil, invalid("status", "%q: want open or done", f.Status)
	}
	var contactID int64
	if f.Contact != "" {
		id, err := s.ContactID(ctx, f.Contact)
		if err != nil {
			return nil, err
		}
		contactID = id
	}
	as, err := collectActivities(ctx, s.pool, activitySelect+`
		WHERE ($1 = 0 OR a.contact_id = $1) AND ($2 = '' OR r.username = $2) AND ($3 = '' OR a.status = $3)
		ORDER BY coalesce(a.due, a.created_at), a.id OFFSET $4 LIMIT $5`,
		contactID, f.Rep, f.Status, f.Offset, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list activities: %w", err)
	}
	return as, nil
}

// Activity returns one activity.
func (s *Store) Activity(ctx context.Context, id int64) (Activity, error) {
	a, err := scanActivity(s.pool.QueryRow(ctx, activitySelect+`WHERE a.id = $1`, id))
	if err != nil {
		return Activity{}, fmt.Errorf("activity %d: %w", id, postgres.NotFound(err))
	}
	return a, nil
}

// CompleteActivity marks an open activity done now, adding notes (on a line
// of their own) to its notes. Its points stay. Completing it twice wraps
// engine.ErrConflict.
func (s *Store) CompleteActivity(ctx context.Context, id int64, notes string) (Activity, error) {
	notes = strings.TrimSpace(notes)
	tag, err := s.pool.Exec(ctx, `UPDATE activities SET status = 'done', completed_at = $2,
		notes = CASE WHEN $3 = '' THEN notes WHEN notes = '' THEN $3 ELSE notes || E'\n' || $3 END
		WHERE id = $1 AND status = 'open'`, id, s.now(), notes)
	if err != nil {
		return Activity{}, fmt.Errorf("complete activity %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		a, err := s.Activity(ctx, id)
		if err == nil {
			err = fmt.Errorf("activity %d is already done: %w", id, engine.ErrConflict)
		}
		return a, err
	}
	return s.Activity(ctx, id)
}

// ActivityFields is an activity a rep logs by hand.
type ActivityFields struct {
	Contact string `json:"contact"` // a contact reference, or empty
	Rep     string `json:"rep"`     // an existing rep; default the contact's owner
	Type    string `json:"type"`    // an activity type, which sets the points
	Subject string `json:"subject"`
	Notes   string `json:"notes"`
	Due     string `json:"due"`    // RFC 3339, or empty
	Status  string `json:"status"` // open (default) or done
}

// CreateActivity logs an activity by hand. Its type must be one of the
// activity types; a done one is completed now.
func (s *Store) CreateActivity(ctx context.Context, f ActivityFields) (Activity, error) {
	a, err := f.activity(s.now())
	if err != nil {
		return Activity{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := resolveActivity(ctx, tx, &a, f); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO activities (contact_id, rep_id, type, points, subject, notes,
				status, due, completed_at)
			SELECT $1, coalesce((SELECT id FROM reps WHERE username = nullif($2, '')),
					(SELECT owner_id FROM contacts WHERE id = $1)),
				t.name, t.points, $4, $5, $6, $7, $8
			FROM activity_types t WHERE lower(t.name) = lower($3) RETURNING id`,
			postgres.NullID(a.ContactID), a.Rep, a.Type, a.Subject, a.Notes, a.Status, a.Due, a.CompletedAt).Scan(&a.ID)
	})
	if err != nil {
		return Activity{}, fmt.Errorf("create activity: %w", err)
	}
	return s.Activity(ctx, a.ID)
}

// activity checks the fields that need no database.
func (f ActivityFields) activity(now time.Time) (Activity, error) {
	a := Activity{Rep: strings.TrimSpace(f.Rep), Type: strings.TrimSpace(f.Type),
		Subject: strings.TrimSpace(f.Subject), Notes: strings.TrimSpace(f.Notes), Status: f.Status}
	if a.Status == "" {
		a.Status = string(engine.ActivityOpen)
	}
	switch a.Status {
	case string(engine.ActivityOpen):
	case string(engine.ActivityDone):
		a.CompletedAt = &now
	default:
		return a, invalid("status", "%q: want open or done", f.Status)
	}
	if a.Type == "" {
		return a, invalid("type", "is required")
	}
	if f.Due != "" {
		due, err := time.Parse(time.RFC3339, f.Due)
		if err != nil {
			return a, invalid("due", "%q: want an RFC 3339 time such as 2026-01-05T09:00:00Z", f.Due)
		}
		due = due.UTC()
		if err := checked(fieldcheck.Date("due", due)); err != nil {
			return a, err
		}
		a.Due = &due
	}
	return a, nil
}

// resolveActivity finds the activity's contact and checks its rep and type.
func resolveActivity(ctx context.Context, tx pgx.Tx, a *Activity, f ActivityFields) error {
	if ref := strings.TrimSpace(f.Contact); ref != "" {
		ids, err := resolveRefs(ctx, tx, []string{ref})
		if err != nil {
			return err
		}
		if a.ContactID = ids[ref]; a.ContactID == 0 {
			return invalid("contact", "no contact %q", ref)
		}
	}
	repID, err := repIDByUsername(ctx, tx, "rep", a.Rep)
	if err != nil {
		return err
	}
	if repID == 0 && a.ContactID == 0 {
		return invalid("rep", "is required for an activity without a contact")
	}
	var name string
	err = tx.QueryRow(ctx, `SELECT name FROM activity_types WHERE lower(name) = lower($1)`, a.Type).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return invalid("type", "%q is not an activity type", a.Type)
	}
	return err
}
