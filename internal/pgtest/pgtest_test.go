package pgtest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestURLGivesEachTestItsOwnMigratedDatabase(t *testing.T) {
	t.Parallel()
	var first string
	t.Run("first", func(t *testing.T) {
		first = URL(t)
		if n := count(t, first, "SELECT count(*) FROM activity_types"); n != 24 {
			t.Errorf("%d activity types in a new database, want 24", n)
		}
		conn := connectTo(t, first)
		if _, err := conn.Exec(context.Background(), "INSERT INTO reps (username) VALUES ('ann')"); err != nil {
			t.Fatal(err)
		}
	})
	second := URL(t)
	if second == first {
		t.Fatal("two tests got the same database")
	}
	if n := count(t, second, "SELECT count(*) FROM reps"); n != 0 {
		t.Errorf("a new database has %d reps, want 0", n)
	}
	name := first[strings.LastIndex(first, "/")+1 : strings.Index(first, "?")]
	if n := count(t, second, "SELECT count(*) FROM pg_database WHERE datname = '"+name+"'"); n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestEmptyURLHasNoSchema(t *testing.T) {
	t.Parallel()
	if n := count(t, EmptyURL(t), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
		t.Errorf("empty database has %d tables", n)
	}
}

func TestNewPool(t *testing.T) {
	t.Parallel()
	var n int
	if err := New(t).QueryRow(context.Background(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n == 0 {
		t.Errorf("schema_migrations: %d rows, %v", n, err)
	}
}

func TestUnreachableServerIsAnError(t *testing.T) {
	t.Setenv(EnvURL, "postgres://postgres:secret@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2")
	_, err := connect()
	if err == nil || !strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), EnvURL) {
		t.Errorf("connect() = %v; want an error saying the server is unreachable", err)
	}
	if err != nil && strings.Contains(err.Error(), "secret") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestWithDatabase(t *testing.T) {
	cases := []struct{ base, want string }{
		{"postgres://u@h:5432/postgres?sslmode=disable", "postgres://u@h:5432/x?sslmode=disable"},
		{"postgresql://h", "postgresql://h/x"},
		{"host=h user=u dbname=postgres", "host=h user=u dbname=postgres dbname=x"},
	}
	for _, c := range cases {
		if got, err := withDatabase(c.base, "x"); err != nil || got != c.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", c.base, got, err, c.want)
		}
	}
}

func connectTo(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func count(t *testing.T, url, sql string) int {
	t.Helper()
	var n int
	if err := connectTo(t, url).QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}
