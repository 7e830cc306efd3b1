package postgres

import (
	"context"
	"fmt"
)

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
