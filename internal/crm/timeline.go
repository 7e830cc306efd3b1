package crm

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/report"
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

// Timeline returns every touch and activity of the contact a reference
// names, merged by time, oldest first; a touch comes before the activity it
// logged.
func (s *Service) Timeline(ctx context.Context, a Actor, ref string) ([]TimelineEntry, error) {
	id, err := s.ContactID(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.Touches(ctx, id)
	if err != nil {
		return nil, err
	}
	as, err := s.store.ContactActivities(ctx, id)
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
	slices.SortStableFunc(out, func(x, y TimelineEntry) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(y.Kind, x.Kind))
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
func (s *Service) Touches(ctx context.Context, a Actor, ref string) ([]report.Touch, error) {
	c, err := s.Contact(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.Touches(ctx, c.ID)
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
func (s *Service) Enrollments(ctx context.Context, a Actor, ref string) ([]Enrollment, error) {
	id, err := s.ContactID(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	return s.store.Enrollments(ctx, id)
}
