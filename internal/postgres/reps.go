package postgres

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
)

// repColumns are the columns scanRep reads, in its order, from reps r.
const repColumns = `r.id, r.username, r.name, r.email, r.signature, r.phone, r.title, r.role, r.monthly_quota,
	r.disabled_at IS NOT NULL`

// scanRep reads one row of repColumns.
func scanRep(row pgx.Row) (engine.Rep, error) {
	var r engine.Rep
	err := row.Scan(&r.ID, &r.Username, &r.Name, &r.Email, &r.Signature, &r.Phone, &r.Title, &r.Role, &r.MonthlyQuota, &r.Disabled)
	return r, err
}

// Rep returns one rep.
func (x *tx) Rep(ctx context.Context, id int64) (engine.Rep, error) { return repByID(ctx, x.q, id) }

// RepByUsername returns the rep with this username.
func (x *tx) RepByUsername(ctx context.Context, username string) (engine.Rep, error) {
	return repByUsername(ctx, x.q, username)
}

// repByID reads one rep by id.
func repByID(ctx context.Context, q querier, id int64) (engine.Rep, error) {
	r, err := scanRep(q.QueryRow(ctx, `SELECT `+repColumns+` FROM reps r WHERE r.id = $1`, id))
	if err != nil {
		return engine.Rep{}, fmt.Errorf("rep %d: %w", id, notFound(err))
	}
	return r, nil
}

// repByUsername reads one rep by username.
func repByUsername(ctx context.Context, q querier, username string) (engine.Rep, error) {
	r, err := scanRep(q.QueryRow(ctx, `SELECT `+repColumns+` FROM reps r WHERE r.username = $1`, username))
	if err != nil {
		return engine.Rep{}, fmt.Errorf("rep %q: %w", username, notFound(err))
	}
	return r, nil
}

// CreateRep inserts r and sets its ID, the way the CRM does (CreateRep of
// CRM's transactions). An empty role means sales. A taken username fails
// with engine.ErrConflict.
func (s *Store) CreateRep(ctx context.Context, r *engine.Rep) error {
	return insertRep(ctx, s.pool, r)
}

// insertRep is the one insert of a rep.
func insertRep(ctx context.Context, q querier, r *engine.Rep) error {
	if r.Role == "" {
		r.Role = "sales"
	}
	err := q.QueryRow(ctx, `INSERT INTO reps (username, name, email, signature, phone, title, role, monthly_quota)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.Username, r.Name, r.Email, r.Signature, r.Phone, r.Title, r.Role, r.MonthlyQuota).Scan(&r.ID)
	if uniqueViolation(err, "reps_username_key") {
		err = fmt.Errorf("username is taken: %w", engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create rep %q: %w", r.Username, err)
	}
	return nil
}
