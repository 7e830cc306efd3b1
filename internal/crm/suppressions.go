package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
)

// Suppression is an address that may not be emailed now.
type Suppression struct {
	Email  string    `json:"email"`
	Reason string    `json:"reason"` // unsubscribe, hard_bounce or complaint
	Detail string    `json:"detail"`
	At     time.Time `json:"suppressed_at"`
}

// SuppressionEvent is one line of an address's history: suppressed (by an
// unsubscribe, a bounce, a complaint) or lifted by someone, with why.
type SuppressionEvent struct {
	ID      int64     `json:"id"`
	Email   string    `json:"email"`
	Action  string    `json:"action"` // suppressed | lifted
	Reason  string    `json:"reason"` // the suppression's reason
	Detail  string    `json:"detail"` // what suppressed it, or why it was lifted
	ByRepID int64     `json:"-"`
	By      string    `json:"by"` // the rep's username, or "system"
	At      time.Time `json:"at"`
}

// SuppressionRecord is one address: suppressed now or not, and its history.
type SuppressionRecord struct {
	Email      string             `json:"email"`
	Suppressed *Suppression       `json:"suppressed"` // nil when it may be emailed
	History    []SuppressionEvent `json:"history"`
}

// SuppressionFilter selects a page of the suppression list.
type SuppressionFilter struct {
	Reason string // "" for any
	After  string // only addresses after this one (the previous page's last)
	Limit  int    // default 100, at most 1000
}

// bySystem names the system in a suppression's history.
const bySystem = "system"

// Suppressions lists the addresses suppressed now, by email.
func (s *Service) Suppressions(ctx context.Context, a Actor, f SuppressionFilter) ([]Suppression, error) {
	if err := Allow(a, ManageSuppressions); err != nil {
		return nil, fmt.Errorf("list suppressions: %w", err)
	}
	switch f.Reason {
	case "", engine.SuppressUnsubscribe, engine.SuppressHardBounce, engine.SuppressComplaint:
	default:
		return nil, invalid("reason", "%q: want unsubscribe, hard_bounce or complaint", f.Reason)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 1000 {
		return nil, invalid("limit", "at most 1000")
	}
	f.After = normalEmail(f.After)
	out, err := s.store.Suppressions(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list suppressions: %w", err)
	}
	return out, nil
}

// Suppression returns an address's record. An address never suppressed
// wraps engine.ErrNotFound.
func (s *Service) Suppression(ctx context.Context, a Actor, email string) (SuppressionRecord, error) {
	if err := Allow(a, ManageSuppressions); err != nil {
		return SuppressionRecord{}, fmt.Errorf("show a suppression: %w", err)
	}
	return s.suppression(ctx, s.store, normalEmail(email))
}

// suppression reads an address's record through r.
func (s *Service) suppression(ctx context.Context, r Reader, email string) (SuppressionRecord, error) {
	evs, err := r.SuppressionEvents(ctx, email)
	if err != nil {
		return SuppressionRecord{}, fmt.Errorf("suppression of %s: %w", email, err)
	}
	if len(evs) == 0 {
		return SuppressionRecord{}, fmt.Errorf("%s was never suppressed: %w", email, engine.ErrNotFound)
	}
	rec := SuppressionRecord{Email: email, History: evs}
	if last := evs[len(evs)-1]; last.Action == "suppressed" {
		rec.Suppressed = &Suppression{Email: email, Reason: last.Reason, Detail: last.Detail, At: last.At}
	}
	return rec, nil
}

// LiftSuppression takes an address off the suppression list, so email
// touches go to it again, keeping who lifted it and why in its history.
// The reason is required; an address not suppressed now wraps
// engine.ErrNotFound. Enrollments the suppression ended stay ended.
func (s *Service) LiftSuppression(ctx context.Context, a Actor, email, reason string) (SuppressionRecord, error) {
	if err := Allow(a, ManageSuppressions); err != nil {
		return SuppressionRecord{}, fmt.Errorf("lift a suppression: %w", err)
	}
	email, reason = normalEmail(email), strings.TrimSpace(reason)
	if reason == "" {
		return SuppressionRecord{}, invalid("reason", "is required: say why the address may be emailed again")
	}
	ev := SuppressionEvent{Email: email, Action: "lifted", Detail: reason, ByRepID: a.RepID, By: a.Username, At: s.now()}
	if a.IsSystem() {
		ev.By = bySystem
	}
	var rec SuppressionRecord
	err := s.store.Tx(ctx, func(tx Tx) error {
		ok, err := tx.LiftSuppression(ctx, ev)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s is not suppressed: %w", email, engine.ErrNotFound)
		}
		rec, err = s.suppression(ctx, tx, email)
		return err
	})
	if err != nil {
		return SuppressionRecord{}, fmt.Errorf("lift the suppression of %s: %w", email, err)
	}
	return rec, nil
}

// normalEmail is the form addresses are kept in on the suppression list.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
