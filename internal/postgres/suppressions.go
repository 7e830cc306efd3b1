package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/engine"
)

// Suppressed reports why an address may not be emailed (unsubscribe,
// hard_bounce, complaint), or "" when it may. Case and surrounding spaces do
// not matter.
func (x *tx) Suppressed(ctx context.Context, email string) (string, error) {
	var reason string
	err := x.q.QueryRow(ctx, `SELECT reason FROM suppressions WHERE email = $1`, normalEmail(email)).Scan(&reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("suppression of %q: %w", email, err)
	}
	return reason, nil
}

// Suppress puts an address on the suppression list, and in its history;
// suppressing it again keeps the first record.
func (x *tx) Suppress(ctx context.Context, email, reason, detail string, at time.Time) error {
	addr := normalEmail(email)
	switch {
	case addr == "":
		return fmt.Errorf("suppress: empty email address")
	case reason != engine.SuppressUnsubscribe && reason != engine.SuppressHardBounce && reason != engine.SuppressComplaint:
		return fmt.Errorf("suppress %s: reason %q is not unsubscribe, hard_bounce or complaint", addr, reason)
	}
	_, err := x.q.Exec(ctx, `WITH s AS (INSERT INTO suppressions (email, reason, detail, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING email, reason, detail, created_at)
		INSERT INTO suppression_events (email, action, reason, detail, by_name, at)
		SELECT email, 'suppressed', reason, detail, 'system', created_at FROM s`, addr, reason, detail, at)
	if err != nil {
		return fmt.Errorf("suppress %s: %w", addr, err)
	}
	return nil
}

// normalEmail is the form addresses are kept in on the suppression list.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
