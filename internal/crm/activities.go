package crm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
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
	Status      string     `json:"status"` // open | done | canceled (a purged letter's)
	Due         *time.Time `json:"due,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	TouchID     int64      `json:"touch_id,omitempty"` // set when a track step logged it
	Track       string     `json:"track,omitempty"`
	Step        string     `json:"step,omitempty"`
}

// ActivityFilter selects activities; empty fields select all.
type ActivityFilter struct {
	Contact string // a contact reference
	Rep     string // a rep's username
	Status  string // open | done | canceled
	Offset  int
	Limit   int // default 100, at most 1000
}

// ListActivities lists the activities a sees by due time (else creation
// time), oldest first.
func (s *Service) ListActivities(ctx context.Context, a Actor, f ActivityFilter) ([]Activity, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	switch {
	case f.Limit > 1000:
		return nil, invalid("limit", "at most 1000")
	case f.Offset < 0:
		return nil, invalid("offset", "must not be negative")
	case f.Status != "" && f.Status != string(engine.ActivityOpen) && f.Status != string(engine.ActivityDone) &&
		f.Status != string(engine.ActivityCanceled):
		return nil, invalid("status", "%q: want open, done or canceled", f.Status)
	}
	q := ActivityQuery{Rep: f.Rep, Status: f.Status, VisibleTo: a.scope(), Offset: f.Offset, Limit: f.Limit}
	if f.Contact != "" {
		id, err := s.ContactID(ctx, a, f.Contact)
		if err != nil {
			return nil, err
		}
		q.ContactID = id
	}
	as, err := s.store.Activities(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list activities: %w", err)
	}
	return as, nil
}

// Activity returns one activity.
func (s *Service) Activity(ctx context.Context, a Actor, id int64) (Activity, error) {
	return s.activity(ctx, s.store, a, id)
}

// activity reads an activity a sees through r.
func (s *Service) activity(ctx context.Context, r Reader, a Actor, id int64) (Activity, error) {
	act, err := r.Activity(ctx, id)
	if err == nil {
		err = s.see(ctx, r, a, fmt.Sprintf("activity %d", id), act.ContactID, act.Rep)
	}
	return act, err
}

// CompleteActivity marks an open activity done now, adding notes (on a line
// of their own) to its notes. Its points stay. Completing it twice wraps
// engine.ErrConflict. A sales rep completes only its own activities.
func (s *Service) CompleteActivity(ctx context.Context, a Actor, id int64, notes string) (Activity, error) {
	var open bool
	err := s.store.Tx(ctx, func(tx Tx) error {
		act, err := s.activity(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := a.nameFor("rep", act.Rep); err != nil {
			return err
		}
		if act.TouchID == 0 && act.Status == string(engine.ActivityOpen) {
			if err := s.loggedOnce(ctx, tx, a, act, s.now()); err != nil {
				return err
			}
		}
		open, err = tx.CompleteActivity(ctx, id, strings.TrimSpace(notes), s.now())
		return err
	})
	if err != nil {
		return Activity{}, fmt.Errorf("complete activity %d: %w", id, err)
	}
	act, err := s.store.Activity(ctx, id)
	if err == nil && !open {
		err = fmt.Errorf("activity %d is already done: %w", id, engine.ErrConflict)
	}
	return act, err
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
// activity types; a done one is completed now. Without a rep, the contact's
// owner is assigned. A sales rep logs activities only for itself, on its
// own contacts, and a done one once a day per type and contact.
func (s *Service) CreateActivity(ctx context.Context, a Actor, f ActivityFields) (Activity, error) {
	act, err := f.activity(s.now())
	if err != nil {
		return Activity{}, err
	}
	if act.Rep, err = a.nameFor("rep", act.Rep); err != nil {
		return Activity{}, err
	}
	err = s.store.Tx(ctx, func(tx Tx) error {
		row, err := s.resolveActivity(ctx, tx, a, act, f.Contact)
		if err != nil {
			return err
		}
		if act.CompletedAt != nil {
			act.ContactID = row.ContactID
			if err := s.loggedOnce(ctx, tx, a, act, *act.CompletedAt); err != nil {
				return err
			}
		}
		err = tx.Engine().CreateActivity(ctx, &row)
		if errors.Is(err, engine.ErrNotFound) {
			return invalid("type", "%q is not an activity type", act.Type)
		}
		act.ID = row.ID
		return err
	})
	if err != nil {
		return Activity{}, fmt.Errorf("create activity: %w", err)
	}
	return s.store.Activity(ctx, act.ID)
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

// resolveActivity finds the activity's contact and rep, and returns the
// row to store.
func (s *Service) resolveActivity(ctx context.Context, tx Tx, a Actor, act Activity, ref string) (engine.Activity, error) {
	row := engine.Activity{Type: act.Type, Subject: act.Subject, Notes: act.Notes,
		Status: engine.ActivityStatus(act.Status)}
	if act.Due != nil {
		row.Due = *act.Due
	}
	if act.CompletedAt != nil {
		row.CompletedAt = *act.CompletedAt
	}
	if ref = strings.TrimSpace(ref); ref != "" {
		id, err := s.resolveOne(ctx, tx, a, "contact", ref)
		if err != nil {
			return row, err
		}
		row.ContactID = id
	}
	rep, err := existingRep(ctx, tx, "rep", act.Rep)
	if err != nil {
		return row, err
	}
	if rep.ID == 0 && row.ContactID == 0 {
		return row, invalid("rep", "is required for an activity without a contact")
	}
	row.RepID = rep.ID
	if row.RepID == 0 {
		c, err := tx.Contact(ctx, row.ContactID)
		if err != nil {
			return row, err
		}
		row.RepID = c.OwnerID
	}
	return row, nil
}

// loggedOnce refuses, for a sales rep, a second activity of act's type on
// act's contact (or with none) logged done by hand on the day at (UTC): a
// rep cannot inflate its points by logging the same meeting thirty times.
// The activities of tracks do not count; admins and managers are not held.
// The rep's row stays locked until tx ends, so two requests at once cannot
// both pass.
func (s *Service) loggedOnce(ctx context.Context, tx Tx, a Actor, act Activity, at time.Time) error {
	if a.scope() == 0 {
		return nil
	}
	if err := tx.LockRep(ctx, a.RepID); err != nil {
		return err
	}
	day := at.UTC().Truncate(24 * time.Hour)
	n, err := tx.LoggedByHand(ctx, a.RepID, act.ContactID, act.Type, day, day.Add(24*time.Hour))
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("a %q activity for this contact was already logged done today: %w", act.Type, engine.ErrConflict)
	}
	return nil
}
