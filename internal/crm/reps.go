package crm

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/internal/mailaddr"
)

// RepFields is a new rep as a user enters it.
type RepFields struct {
	Username     string `json:"username"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Signature    string `json:"signature"`
	Phone        string `json:"phone"`
	Title        string `json:"title"`
	Role         string `json:"role"`          // sales (default), admin or manager
	MonthlyQuota *int   `json:"monthly_quota"` // activity points a month; default 500
}

// CreateRep adds a rep (admins and managers). A taken username wraps
// engine.ErrConflict.
func (s *Service) CreateRep(ctx context.Context, a Actor, f RepFields) (engine.Rep, error) {
	if err := Allow(a, ManageUsers); err != nil {
		return engine.Rep{}, fmt.Errorf("create rep: %w", err)
	}
	if err := f.validate(); err != nil {
		return engine.Rep{}, err
	}
	r := engine.Rep{Username: f.Username, Name: f.Name, Email: f.Email, Signature: f.Signature,
		Phone: f.Phone, Title: f.Title, Role: f.Role, MonthlyQuota: 500}
	if f.MonthlyQuota != nil {
		r.MonthlyQuota = *f.MonthlyQuota
	}
	err := s.store.Tx(ctx, func(tx Tx) error { return tx.CreateRep(ctx, &r) })
	if errors.Is(err, engine.ErrConflict) {
		return engine.Rep{}, fmt.Errorf("create rep: username %q is taken: %w", f.Username, engine.ErrConflict)
	}
	if err != nil {
		return engine.Rep{}, err
	}
	return r, nil
}

// validate checks a new rep and fills the default role.
func (f *RepFields) validate() error {
	f.Username = strings.TrimSpace(f.Username)
	if err := checked(fieldcheck.Username("username", f.Username)); err != nil {
		return err
	}
	if f.Role == "" {
		f.Role = "sales"
	}
	if f.Role != "sales" && f.Role != "admin" && f.Role != "manager" {
		return invalid("role", "%q: want sales, admin or manager", f.Role)
	}
	if f.MonthlyQuota != nil && *f.MonthlyQuota < 0 {
		return invalid("monthly_quota", "must not be negative")
	}
	if f.Email != "" {
		if err := mailaddr.Check(f.Email); err != nil {
			return invalid("email", "%q: %v", f.Email, err)
		}
	}
	return nil
}

// ListReps lists every rep by username.
func (s *Service) ListReps(ctx context.Context, a Actor) ([]engine.Rep, error) {
	reps, err := s.store.Reps(ctx)
	if err != nil {
		return nil, fmt.Errorf("list reps: %w", err)
	}
	return reps, nil
}

// rep finds a rep by username, else by numeric id. An unknown one wraps
// engine.ErrNotFound.
func (s *Service) rep(ctx context.Context, ref string) (engine.Rep, error) {
	r, err := s.store.RepByUsername(ctx, ref)
	if !errors.Is(err, engine.ErrNotFound) {
		return r, err
	}
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		return s.store.Rep(ctx, id)
	}
	return r, err
}

// existingRep checks that a field of user input names an existing rep by
// username: an unknown one is a validation error on field. "" means no rep
// (ID 0).
func existingRep(ctx context.Context, r Reader, field, username string) (engine.Rep, error) {
	if username == "" {
		return engine.Rep{}, nil
	}
	rep, err := r.RepByUsername(ctx, username)
	if errors.Is(err, engine.ErrNotFound) {
		return rep, invalid(field, "no rep with username %q", username)
	}
	return rep, err
}
