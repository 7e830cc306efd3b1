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
	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5"
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

// CreateRep adds a rep. A taken username wraps engine.ErrConflict.
func (s *Store) CreateRep(ctx context.Context, f RepFields) (engine.Rep, error) {
	if err := f.validate(); err != nil {
		return engine.Rep{}, err
	}
	quota := 500
	if f.MonthlyQuota != nil {
		quota = *f.MonthlyQuota
	}
	r, err := postgres.ScanRep(s.pool.QueryRow(ctx, `INSERT INTO reps AS r (username, name, email, signature, phone, title, role, monthly_quota)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+postgres.RepColumns,
		f.Username, f.Name, f.Email, f.Signature, f.Phone, f.Title, f.Role, quota))
	if postgres.UniqueViolation(err, "reps_username_key") {
		return engine.Rep{}, fmt.Errorf("create rep: username %q is taken: %w", f.Username, engine.ErrConflict)
	}
	if err != nil {
		return engine.Rep{}, fmt.Errorf("create rep %q: %w", f.Username, err)
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
func (s *Store) ListReps(ctx context.Context) ([]engine.Rep, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+postgres.RepColumns+` FROM reps r ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list reps: %w", err)
	}
	reps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (engine.Rep, error) { return postgres.ScanRep(r) })
	if err != nil {
		return nil, fmt.Errorf("list reps: %w", err)
	}
	return reps, nil
}

// rep finds a rep by username, or by numeric id. An unknown one wraps
// engine.ErrNotFound.
func (s *Store) rep(ctx context.Context, ref string) (engine.Rep, error) {
	r, err := postgres.ScanRep(s.pool.QueryRow(ctx, `SELECT `+postgres.RepColumns+` FROM reps r WHERE username = $1 OR id = $2
		ORDER BY username = $1 DESC LIMIT 1`, ref, numericID(ref)))
	if err != nil {
		return engine.Rep{}, fmt.Errorf("rep %q: %w", ref, postgres.NotFound(err))
	}
	return r, nil
}

// repIDByUsername finds an existing rep for a field of user input: an unknown
// username is a validation error on field. "" means no rep.
func repIDByUsername(ctx context.Context, q querier, field, username string) (int64, error) {
	if username == "" {
		return 0, nil
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM reps WHERE username = $1`, username).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, invalid(field, "no rep with username %q", username)
	}
	if err != nil {
		return 0, fmt.Errorf("rep %q: %w", username, err)
	}
	return id, nil
}

// numericID reads a reference as an id, -1 when it is not a number.
func numericID(ref string) int64 {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return -1
	}
	return id
}
