package postgres

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
)

// Suppressions lists a page of the addresses suppressed now, by email.
func (r crmReader) Suppressions(ctx context.Context, f crm.SuppressionFilter) ([]crm.Suppression, error) {
	return collect(ctx, r.q, "list suppressions", func(row pgx.Row) (crm.Suppression, error) {
		var s crm.Suppression
		err := row.Scan(&s.Email, &s.Reason, &s.Detail, &s.At)
		s.At = s.At.UTC()
		return s, err
	}, `SELECT email, reason, detail, created_at FROM suppressions
		WHERE email > $1 AND ($2 = '' OR reason = $2) ORDER BY email LIMIT $3`, f.After, f.Reason, f.Limit)
}

// SuppressionEvents lists an address's history, oldest first.
func (r crmReader) SuppressionEvents(ctx context.Context, email string) ([]crm.SuppressionEvent, error) {
	return collect(ctx, r.q, "suppression history of "+email, func(row pgx.Row) (crm.SuppressionEvent, error) {
		var e crm.SuppressionEvent
		err := row.Scan(&e.ID, &e.Email, &e.Action, &e.Reason, &e.Detail, &e.ByRepID, &e.By, &e.At)
		e.At = e.At.UTC()
		return e, err
	}, `SELECT id, email, action, reason, detail, coalesce(by_rep_id, 0), by_name, at
		FROM suppression_events WHERE email = $1 ORDER BY id`, email)
}

// LiftSuppression deletes an address's suppression and records the lift
// with the suppression's reason.
func (x *crmTx) LiftSuppression(ctx context.Context, ev crm.SuppressionEvent) (bool, error) {
	tag, err := x.q.Exec(ctx, `WITH s AS (DELETE FROM suppressions WHERE email = $1 RETURNING reason)
		INSERT INTO suppression_events (email, action, reason, detail, by_rep_id, by_name, at)
		SELECT $1, 'lifted', s.reason, $2, nullif($3::bigint, 0), $4, $5 FROM s`,
		ev.Email, ev.Detail, ev.ByRepID, ev.By, ev.At)
	if err != nil {
		return false, fmt.Errorf("lift the suppression of %s: %w", ev.Email, err)
	}
	return tag.RowsAffected() == 1, nil
}
