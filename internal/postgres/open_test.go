package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := postgres.OpenReadOnly(ctx, url)
	if err != nil {
		t.Fatalf("a migrated database: %v", err)
	}
	defer s.Close()
	_, err = s.Pool().Exec(ctx, "INSERT INTO reps (username, name) VALUES ('ro', 'Read Only')")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "25006" { // read_only_sql_transaction
		t.Errorf("a write on a read-only store: %v, want read_only_sql_transaction", err)
	}

	if _, err := poolAt(t, url).Exec(ctx, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"); err != nil {
		t.Fatal(err)
	}
	empty := pgtest.EmptyURL(t)
	missing := empty[:strings.LastIndex(empty, "/")] + "/dripline_test_never_created"
	for _, tt := range []struct{ url, want string }{
		{url, "lacks migration 00"},
		{empty, "has no schema: run `dripline migrate` first"},
		{missing, "database dripline_test_never_created does not exist: run `dripline migrate` first"},
	} {
		s, err := postgres.OpenReadOnly(ctx, tt.url)
		if err == nil {
			s.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("OpenReadOnly: %v, want %q", err, tt.want)
		}
	}
	var n int
	if err := poolAt(t, empty).QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n); err != nil || n != 0 {
		t.Errorf("OpenReadOnly created %d tables (%v) in an empty database, want none", n, err)
	}
}

func TestOpenMigratedCreatesAndMigrates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	empty := pgtest.EmptyURL(t)
	s, err := postgres.OpenMigrated(ctx, empty, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := postgres.CheckSchema(ctx, s.Pool()); err != nil {
		t.Errorf("after OpenMigrated: %v", err)
	}
	if got := s.Pool().Config().MaxConns; got != 3 {
		t.Errorf("pool of %d connections, want 3", got)
	}
}
