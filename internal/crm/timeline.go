package crm

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/report"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// TouchInfo is one touch of a contact's timeline.
type TouchInfo struct {
	ID           int64      `json:"id"`
	EnrollmentID int64      `json:"enrollment_id"`
	Track        string     `json:"track"`
	Step         string     `json:"step"`
	Channel      string     `json:"channel"`
	Due          time.Time  `json:"due"`
	State        string     `json:"state"` // scheduled, queued, running, done, skipped, canceled, failed
	Reason       string     `json:"reason"`
	Attempts     int        `json:"attempts"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
}

// TimelineEntry is one touch or one activity of a contact, at its time: a
// touch's due time; an activity's completion, else due, else creation time.
type TimelineEntry struct {
	At       time.Time  `json:"at"`
	Kind     string     `json:"kind"` // touch | activity
	Touch    *TouchInfo `json:"touch,omitempty"`
	Activity *Activity  `json:"activity,omitempty"`
}

// touches reads a contact's touches by due time.
func touches(ctx context.Context, q querier, contactID int64) ([]TouchInfo, error) {
	rows, err := q.Query(ctx, `SELECT id, enrollment_id, track_id, step_id, channel, due, state, reason,
		attempts, finished_at FROM touches WHERE contact_id = $1 ORDER BY due, id`, contactID)
	if err != nil {
		return nil, fmt.Errorf("touches of contact %d: %w", contactID, err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TouchInfo, error) {
		var (
			t        TouchInfo
			finished pgtype.Timestamptz
		)
		err := r.Scan(&t.ID, &t.EnrollmentID, &t.Track, &t.Step, &t.Channel, &t.Due, &t.State,
			&t.Reason, &t.Attempts, &finished)
		t.Due, t.FinishedAt = t.Due.UTC(), timePtr(finished)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("touches of contact %d: %w", contactID, err)
	}
	return ts, nil
}

// Timeline returns every touch and activity of the contact a reference
// names, merged by time, oldest first; a touch comes before the activity it
// logged.
func (s *Store) Timeline(ctx context.Context, ref string) ([]TimelineEntry, error) {
	id, err := s.ContactID(ctx, ref)
	if err != nil {
		return nil, err
	}
	ts, err := touches(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	as, err := collectActivities(ctx, s.pool, activitySelect+`WHERE a.contact_id = $1 ORDER BY a.id`, id)
	if err != nil {
		return nil, fmt.Errorf("timeline of contact %d: %w", id, err)
	}
	out := make([]TimelineEntry, 0, len(ts)+len(as))
	for i := range ts {
		out = append(out, TimelineEntry{At: ts[i].Due, Kind: "touch", Touch: &ts[i]})
	}
	for i := range as {
		out = append(out, TimelineEntry{At: activityTime(as[i]), Kind: "activity", Activity: &as[i]})
	}
	slices.SortStableFunc(out, func(a, b TimelineEntry) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(b.Kind, a.Kind))
	})
	return out, nil
}

// activityTime is when an activity shows on a timeline.
func activityTime(a Activity) time.Time {
	switch {
	case a.CompletedAt != nil:
		return *a.CompletedAt
	case a.Due != nil:
		return *a.Due
	}
	return a.CreatedAt
}

// Touches returns the touches of the contact a reference names, by due time,
// in the shape simulate prints; touches not final yet are `pending`.
func (s *Store) Touches(ctx context.Context, ref string) ([]report.Touch, error) {
	c, err := s.Contact(ctx, ref)
	if err != nil {
		return nil, err
	}
	ts, err := touches(ctx, s.pool, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]report.Touch, 0, len(ts))
	for _, t := range ts {
		out = append(out, report.Touch{Contact: report.Label(c), Track: t.Track, Step: t.Step,
			Channel: t.Channel, Due: report.FormatDue(t.Due),
			Outcome: report.Outcome(engine.TouchState(t.State)), Reason: t.Reason})
	}
	return out, nil
}

// Enrollment is one contact's time on one track.
type Enrollment struct {
	ID        int64      `json:"id"`
	Track     string     `json:"track"`
	Version   int        `json:"version"`
	State     string     `json:"state"` // active, paused, completed, exited, canceled
	Anchor    time.Time  `json:"anchor"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	Reason    string     `json:"reason"`
}

// Enrollments lists the enrollments of the contact a reference names, newest first.
func (s *Store) Enrollments(ctx context.Context, ref string) ([]Enrollment, error) {
	id, err := s.ContactID(ctx, ref)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, track_id, track_version, state, anchor, started_at,
		ended_at, reason FROM enrollments WHERE contact_id = $1 ORDER BY started_at DESC, id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("enrollments of contact %d: %w", id, err)
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Enrollment, error) {
		var (
			e     Enrollment
			ended pgtype.Timestamptz
		)
		err := r.Scan(&e.ID, &e.Track, &e.Version, &e.State, &e.Anchor, &e.StartedAt, &ended, &e.Reason)
		e.Anchor, e.StartedAt, e.EndedAt = e.Anchor.UTC(), e.StartedAt.UTC(), timePtr(ended)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("enrollments of contact %d: %w", id, err)
	}
	return es, nil
}
