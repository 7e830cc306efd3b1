package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvURL names the environment variable holding the server's connection
// string; DefaultURL is used when it is empty.
const (
	EnvURL     = "DRIPLINE_TEST_DATABASE_URL"
	DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
)

// templateLockKey serializes building template databases across test binaries.
const templateLockKey int64 = 0x64726970746d706c // "driptmpl"

// New creates a migrated database for t and returns a pool connected to it.
// The pool is closed and the database dropped when t ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := URL(t)
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("pgtest: connect to the test database: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// URL creates a migrated database for t and returns its connection string.
// The database is dropped, closing any connection left open, when t ends.
func URL(t testing.TB) string {
	t.Helper()
	srv := server(t)
	tmpl, err := srv.template()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return srv.create(t, "TEMPLATE "+tmpl)
}

// EmptyURL creates a database for t without any schema and returns its
// connection string. It is dropped when t ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return server(t).create(t, "TEMPLATE template0")
}

// srv is the PostgreSQL server tests share within one test binary.
type srv struct {
	base  string
	admin *pgxpool.Pool

	tmplOnce sync.Once
	tmpl     string
	tmplErr  error
}

var (
	serverOnce sync.Once
	shared     *srv
	serverErr  error
)

// server connects to the server once per test binary and fails t when it
// cannot.
func server(t testing.TB) *srv {
	t.Helper()
	serverOnce.Do(func() { shared, serverErr = connect() })
	if serverErr != nil {
		t.Fatalf("pgtest: %v", serverErr)
	}
	return shared
}

func connect() (*srv, error) {
	base := os.Getenv(EnvURL)
	if base == "" {
		base = DefaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgxpool.New(ctx, base)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s is unreachable (start it, or point %s at one): %w",
			redact(base), EnvURL, err)
	}
	return &srv{base: base, admin: admin}, nil
}

// create makes a uniquely named database with the given CREATE DATABASE
// options and drops it when t ends.
func (s *srv) create(t testing.TB, options string) string {
	t.Helper()
	name := "dripline_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+name+" "+options); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u, err := withDatabase(s.base, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// template returns the name of the migrated template database, building it
// the first time any test binary needs it.
func (s *srv) template() (string, error) {
	s.tmplOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s.tmpl, s.tmplErr = s.buildTemplate(ctx)
	})
	return s.tmpl, s.tmplErr
}

func (s *srv) buildTemplate(ctx context.Context) (string, error) {
	hash, err := schemaHash()
	if err != nil {
		return "", err
	}
	name := "dripline_tmpl_" + hash
	conn, err := s.admin.Acquire(ctx)
	if err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return "", fmt.Errorf("template %s: lock: %w", name, err)
	}
	defer func() {
		// The lock also ends with the session, should unlocking fail.
		_, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", templateLockKey)
	}()
	var exists bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err == nil && !exists {
		err = s.migrateTemplate(ctx, conn.Conn(), name)
	}
	if err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	return name, nil
}

// migrateTemplate builds the template under a temporary name and renames it
// only once migrated, so a crash never leaves a half-built template behind.
func (s *srv) migrateTemplate(ctx context.Context, conn *pgx.Conn, name string) error {
	build := name + "_build"
	for _, sql := range []string{
		"DROP DATABASE IF EXISTS " + build + " WITH (FORCE)",
		"CREATE DATABASE " + build + " TEMPLATE template0",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return err
		}
	}
	u, err := withDatabase(s.base, build)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return err
	}
	err = postgres.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return err
	}
	for _, sql := range []string{
		"ALTER DATABASE " + build + " RENAME TO " + name,
		"ALTER DATABASE " + name + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return err
		}
	}
	return nil
}

// schemaHash names the schema the embedded migrations build.
func schemaHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(postgres.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(postgres.Migrations(), path)
		fmt.Fprintf(h, "%s\x00%d\x00%s", path, len(b), b)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// withDatabase returns the connection string base pointing at database name.
func withDatabase(base, name string) (string, error) {
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return base + " dbname=" + name, nil // in key=value strings the last value wins
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("%s: %w", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// redact hides the password of a URL connection string.
func redact(base string) string {
	if u, err := url.Parse(base); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "the configured server"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
