package postgres

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
)

// RepColumns are the columns ScanRep reads, in its order, from reps r.
const RepColumns = `r.id, r.username, r.name, r.email, r.signature, r.phone, r.title, r.role, r.monthly_quota`

// ScanRep reads one row of RepColumns.
func ScanRep(row pgx.Row) (engine.Rep, error) {
	var r engine.Rep
	err := row.Scan(&r.ID, &r.Username, &r.Name, &r.Email, &r.Signature, &r.Phone, &r.Title, &r.Role, &r.MonthlyQuota)
	return r, err
}

// Rep returns one rep.
func (x *tx) Rep(ctx context.Context, id int64) (engine.Rep, error) {
	r, err := ScanRep(x.q.QueryRow(ctx, `SELECT `+RepColumns+` FROM reps r WHERE r.id = $1`, id))
	if err != nil {
		return engine.Rep{}, fmt.Errorf("rep %d: %w", id, NotFound(err))
	}
	return r, nil
}

// RepByUsername returns the rep with this username.
func (x *tx) RepByUsername(ctx context.Context, username string) (engine.Rep, error) {
	r, err := ScanRep(x.q.QueryRow(ctx, `SELECT `+RepColumns+` FROM reps r WHERE r.username = $1`, username))
	if err != nil {
		return engine.Rep{}, fmt.Errorf("rep %q: %w", username, NotFound(err))
	}
	return r, nil
}

// CreateRep inserts r and sets its ID. An empty role means sales. A taken
// username fails with engine.ErrConflict.
func (s *Store) CreateRep(ctx context.Context, r *engine.Rep) error {
	if r.Role == "" {
		r.Role = "sales"
	}
	err := s.pool.QueryRow(ctx, `INSERT INTO reps (username, name, email, signature, phone, title, role, monthly_quota)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.Username, r.Name, r.Email, r.Signature, r.Phone, r.Title, r.Role, r.MonthlyQuota).Scan(&r.ID)
	if UniqueViolation(err, "reps_username_key") {
		err = fmt.Errorf("username is taken: %w", engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create rep %q: %w", r.Username, err)
	}
	return nil
}
