package postgres

import (
	"context"
	"fmt"

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

// LockRep locks a rep's row FOR UPDATE.
func (x *crmTx) LockRep(ctx context.Context, id int64) error {
	var one int
	if err := x.q.QueryRow(ctx, `SELECT 1 FROM reps WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
		return fmt.Errorf("lock rep %d: %w", id, notFound(err))
	}
	return nil
}
