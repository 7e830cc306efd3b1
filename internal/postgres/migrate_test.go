package postgres_test

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

func migrationCount(t *testing.T) int {
	t.Helper()
	files, err := fs.Glob(postgres.Migrations(), "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded migrations: %v", err)
	}
	return len(files)
}

// poolAt connects to url until t ends.
func poolAt(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// applied counts the recorded migrations and the seeded activity types.
func applied(t *testing.T, pool *pgxpool.Pool) (migrations, activityTypes int) {
	t.Helper()
	err := pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM schema_migrations),
		(SELECT count(*) FROM activity_types)`).Scan(&migrations, &activityTypes)
	if err != nil {
		t.Fatal(err)
	}
	return migrations, activityTypes
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	pool := poolAt(t, pgtest.EmptyURL(t))
	for i := range 3 {
		if err := postgres.Migrate(context.Background(), pool); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	m, types := applied(t, pool)
	if m != migrationCount(t) || types != 24 {
		t.Errorf("after three runs: %d migrations recorded, %d activity types; want %d and 24",
			m, types, migrationCount(t))
	}
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	url := pgtest.EmptyURL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			pool, err := pgxpool.New(context.Background(), url)
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			errs[i] = postgres.Migrate(context.Background(), pool)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("daemon %d: %v", i, err)
		}
	}
	m, types := applied(t, poolAt(t, url))
	if m != migrationCount(t) || types != 24 {
		t.Errorf("%d migrations recorded, %d activity types; want %d and 24", m, types, migrationCount(t))
	}
}
