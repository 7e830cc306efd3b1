package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
)

// Rep returns one rep.
func (r crmReader) Rep(ctx context.Context, id int64) (engine.Rep, error) {
	return repByID(ctx, r.q, id)
}

// RepByUsername returns the rep with this username.
func (r crmReader) RepByUsername(ctx context.Context, username string) (engine.Rep, error) {
	return repByUsername(ctx, r.q, username)
}

// Reps lists every rep by username.
func (r crmReader) Reps(ctx context.Context) ([]engine.Rep, error) {
	return collect(ctx, r.q, "list reps", scanRep, `SELECT `+repColumns+` FROM reps r ORDER BY username`)
}

// CreateRep inserts a rep and sets its ID.
func (x *crmTx) CreateRep(ctx context.Context, r *engine.Rep) error { return insertRep(ctx, x.q, r) }

// UpdateRep stores a rep's name, email, role, quota and whether it is
// disabled (since at, when it was not already).
func (x *crmTx) UpdateRep(ctx context.Context, r engine.Rep, at time.Time) error {
	_, err := x.q.Exec(ctx, `UPDATE reps SET name = $2, email = $3, role = $4, monthly_quota = $5,
			disabled_at = CASE WHEN $6 THEN coalesce(disabled_at, $7) END
		WHERE id = $1`, r.ID, r.Name, r.Email, r.Role, r.MonthlyQuota, r.Disabled, at)
	if err != nil {
		return fmt.Errorf("update rep %q: %w", r.Username, err)
	}
	return nil
}

// LockRep locks a rep's row FOR UPDATE.
func (x *crmTx) LockRep(ctx context.Context, id int64) error {
	var one int
	if err := x.q.QueryRow(ctx, `SELECT 1 FROM reps WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
		return fmt.Errorf("lock rep %d: %w", id, notFound(err))
	}
	return nil
}
