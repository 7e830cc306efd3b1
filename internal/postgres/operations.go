package postgres

import (
	"context"
	"fmt"
)

// PendingLetters counts the letters waiting to be printed (not printed, not
// purged), by kind, for the metrics.
func (s *Store) PendingLetters(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT template, count(*) FROM letters
		WHERE printed_at IS NULL AND purged_at IS NULL GROUP BY template`)
	if err != nil {
		return nil, fmt.Errorf("count pending letters: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, fmt.Errorf("count pending letters: %w", err)
		}
		out[kind] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count pending letters: %w", err)
	}
	return out, nil
}

// Connections is the server's connection budget as the daemon sees it.
type Connections struct {
	Max      int // max_connections
	Reserved int // superuser_reserved_connections plus reserved_connections (PostgreSQL 16+)
	InUse    int // connections open now, every database and user
}

// Usable is how many connections ordinary roles may open in all.
func (c Connections) Usable() int { return c.Max - c.Reserved }

// ConnectionBudget reads the server's connection limits and how many
// connections are open.
func (s *Store) ConnectionBudget(ctx context.Context) (Connections, error) {
	var c Connections
	err := s.pool.QueryRow(ctx, `SELECT current_setting('max_connections')::int,
		current_setting('superuser_reserved_connections')::int
		  + coalesce(current_setting('reserved_connections', true), '0')::int,
		(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int`).
		Scan(&c.Max, &c.Reserved, &c.InUse)
	if err != nil {
		return Connections{}, fmt.Errorf("read the connection limits: %w", err)
	}
	return c, nil
}
