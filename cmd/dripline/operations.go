package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/metrics"
	"github.com/dripline/dripline/internal/postgres"
)

// openMetrics builds the daemon's metrics over its store and queues.
func (rt *runtime) openMetrics() {
	pile := postgres.NewLetters(rt.store.Pool())
	every := func(ctx context.Context) ([]engine.LetterCount, error) { return pile.Counts(ctx, 0) }
	rt.metrics = metrics.New(metrics.Options{Letters: every, Queues: rt.queue.Inspector(), Logger: rt.log})
}

// ready is /readyz: PostgreSQL and Redis answer and the schema is current.
func (rt *runtime) ready() http.Handler {
	return metrics.Ready(
		metrics.Check{Name: "postgres", Fn: func(ctx context.Context) error { return rt.store.Pool().Ping(ctx) }},
		metrics.Check{Name: "redis", Fn: rt.queue.Ping},
		metrics.Check{Name: "migrations", Fn: func(ctx context.Context) error { return postgres.CheckSchema(ctx, rt.store.Pool()) }},
	)
}

// publicMounts are the daemon's public observability routes beside the API:
// /readyz, and /metrics unless it has an address of its own.
func (rt *runtime) publicMounts() map[string]http.Handler {
	m := map[string]http.Handler{"GET /readyz": rt.ready()}
	if rt.cfg.MetricsAddr == "" {
		m["GET /metrics"] = rt.metrics.Handler()
	}
	return m
}

// checkConnectionBudget warns when the daemons expected to share the
// database (--daemons) would open more connections than PostgreSQL allows
// ordinary roles: each opens up to cfg.PoolSize().
func checkConnectionBudget(ctx context.Context, store *postgres.Store, cfg *config.Config, log *slog.Logger) {
	c, err := store.ConnectionBudget(ctx)
	if err != nil {
		log.Warn("cannot check the database's connection budget", "err", err)
		return
	}
	need := cfg.Daemons * cfg.PoolSize()
	if need > c.Usable() {
		log.Warn("PostgreSQL cannot hold the connections the daemons may open: raise max_connections, lower DRIPLINE_CONCURRENCY, or put PgBouncer in front",
			"daemons", cfg.Daemons, "pool_per_daemon", cfg.PoolSize(), "need", need,
			"max_connections", c.Max, "reserved", c.Reserved, "usable", c.Usable(), "in_use", c.InUse)
	}
}
