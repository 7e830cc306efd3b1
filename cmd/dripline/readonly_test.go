package main

import (
	"context"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// count runs a count query on the database at url.
func count(t *testing.T, url, query string) int {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

var readOnlyCommands = [][]string{
	{"touches", "--contact", "c-1"},
	{"templates", "preview", "gi-welcome", "--contact", "c-1"},
	{"users", "list"},
	{"suppressions", "list"},
}

func TestReadOnlyCommandsRefuseAnUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	empty := pgtest.EmptyURL(t)
	for _, args := range readOnlyCommands {
		code, out, errs := runDripline(t, append(args, "--database-url", empty)...)
		if code != 1 || out != "" || !strings.Contains(errs, "has no schema: run `dripline migrate` first") {
			t.Errorf("dripline %s on an empty database: exit %d, stdout %q, stderr %q; want exit 1 saying to run dripline migrate",
				strings.Join(args, " "), code, out, errs)
		}
	}
	if n := count(t, empty, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
		t.Errorf("the read-only commands created %d tables, want none", n)
	}
}

func TestReadOnlyCommandsWriteNothing(t *testing.T) {
	db := pgtest.URL(t)
	contacts := writeFiles(t, map[string]string{"c.csv": "external_id,email,first_name,status\nc-1,ann@example.com,Ann,prospect\n"}) + "/c.csv"
	if code, _, errs := runDripline(t, "contacts", "import", contacts, "--database-url", db); code != 0 {
		t.Fatalf("contacts import: exit %d, stderr %q", code, errs)
	}
	const versions = "SELECT count(*) FROM tracks"
	before := count(t, db, versions)
	// A changed library would be stored as new versions by a command that writes.
	tracksDir := writeFiles(t, map[string]string{"t.yaml": "id: general-interest\nname: Changed\nsteps:\n  - { id: s, at: 0d, task: { subject: Hi } }\n"})
	t.Setenv("DRIPLINE_TRACKS", tracksDir)
	for _, args := range readOnlyCommands {
		if code, _, errs := runDripline(t, append(args, "--database-url", db)...); code != 0 {
			t.Errorf("dripline %s: exit %d, stderr %q", strings.Join(args, " "), code, errs)
		}
	}
	if after := count(t, db, versions); after != before {
		t.Errorf("read-only commands stored %d track versions, want none", after-before)
	}
}
