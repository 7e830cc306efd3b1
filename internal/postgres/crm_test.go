package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// crmSetup returns the CRM service on a fresh database whose events go to
// the real engine, with the track of testdata/tracks; opts change its
// options.
func crmSetup(tb testing.TB, opts ...func(*crm.Options)) (*crm.Service, *pgxpool.Pool) {
	tb.Helper()
	store, pool, _ := crmSetupClock(tb, opts...)
	return store, pool
}

// crmSetupClock is crmSetup, also returning the virtual clock the CRM and
// the engine read.
func crmSetupClock(tb testing.TB, opts ...func(*crm.Options)) (*crm.Service, *pgxpool.Pool, *clock.Virtual) {
	tb.Helper()
	return crmSetupStore(tb, func(s crm.Store) crm.Store { return s }, opts...)
}

// crmSetupStore is crmSetupClock with the CRM's store wrapped by wrap.
func crmSetupStore(tb testing.TB, wrap func(crm.Store) crm.Store, opts ...func(*crm.Options)) (*crm.Service, *pgxpool.Pool, *clock.Virtual) {
	tb.Helper()
	pool := pgtest.New(tb)
	store, clk := crmOn(tb, pool, wrap, opts...)
	return store, pool, clk
}

// crmOn is crmSetupStore on the database of pool: another service on it
// has its own engine and clock.
func crmOn(tb testing.TB, pool *pgxpool.Pool, wrap func(crm.Store) crm.Store, opts ...func(*crm.Options)) (*crm.Service, *clock.Virtual) {
	tb.Helper()
	ctx := context.Background()
	lib, err := tracks.LoadDir("testdata/tracks", tracks.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	set, err := templates.Default()
	if err != nil {
		tb.Fatal(err)
	}
	clk := clock.NewVirtual(time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC))
	eng, err := engine.New(engine.Config{Store: postgres.New(pool), Clock: clk, Library: lib, Templates: set})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := eng.LoadLibrary(ctx); err != nil {
		tb.Fatal(err)
	}
	o := crm.Options{Sink: eng, Clock: clk, Library: lib}
	for _, f := range opts {
		f(&o)
	}
	store, err := crm.New(wrap(postgres.NewCRM(pool)), o)
	if err != nil {
		tb.Fatal(err)
	}
	return store, clk
}

// countRows runs a SELECT count(*) query.
func countRows(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// queryColumn runs a query answering one column and returns its values.
func queryColumn[T any](t testing.TB, pool *pgxpool.Pool, sql string, args ...any) []T {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	values, err := pgx.CollectRows(rows, pgx.RowTo[T])
	if err != nil {
		t.Fatal(err)
	}
	return values
}

func TestImportUpserts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := crmSetup(t)
	first := "email,first_name,company,owner\n" +
		"ann@example.com,Ann,Acme,alice\n" +
		"bo@example.com,Bo,ACME,\n"
	res, err := store.Import(ctx, crm.System, "first.csv", strings.NewReader(first))
	if err != nil || res.Created != 2 || len(res.Errors) != 0 || res.Enrolled != 2 {
		t.Fatalf("first import = %+v, %v", res, err)
	}
	second := "external_id,email,last_name,company,status\n" +
		",ANN@example.com,Lee,Acme,customer\n" + // by email: updates Ann
		"c-9,new@example.com,New,Globex,\n" + // new
		"c-10,x@example.com,Bad,,lead\n" + // bad status
		",bo@example.com,,ACME,prospect\n" // unchanged
	res, err = store.Import(ctx, crm.System, "second.csv", strings.NewReader(second))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 1 || res.Unchanged != 1 || len(res.Errors) != 1 {
		t.Errorf("second import = %+v, want 1 created, 1 updated, 1 unchanged, 1 bad row", res)
	}
	if len(res.Errors) == 1 && !strings.HasPrefix(res.Errors[0].Error(), "second.csv:4: ") {
		t.Errorf("error = %v, want it at second.csv:4", res.Errors[0])
	}
	ann, err := store.Contact(ctx, crm.System, "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if ann.FirstName != "Ann" || ann.LastName != "Lee" || ann.Status != "customer" || ann.Owner != "alice" {
		t.Errorf("Ann after the second import = %+v", ann)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM companies`); n != 2 {
		t.Errorf("%d companies, want Acme and Globex", n)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM contacts WHERE company_id IS NULL`); n != 0 {
		t.Errorf("%d contacts without their company row", n)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM events WHERE name = 'contact.updated'`); n != 1 {
		t.Errorf("%d contact.updated events, want 1", n)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM enrollments`); n != 3 {
		t.Errorf("%d enrollments, want one per new contact", n)
	}
}

// BenchmarkContactsImport imports 20,000 new contacts a run through the
// CRM, each enrolled on a track by its contact.created event in the same
// transaction. A headline figure.
func BenchmarkContactsImport(b *testing.B) {
	const rows = 20_000
	store, pool := crmSetup(b)
	ceiling := pgtest.MeasureCeiling(b, pool)
	ctx := context.Background()
	var m *pgtest.Meter
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		var sb strings.Builder
		sb.WriteString("external_id,email,first_name,last_name,company,owner,time_zone\n")
		for j := range rows {
			fmt.Fprintf(&sb, "r%d-%d,p%d.%d@example.com,First%d,Last%d,Company %d,rep%d,America/Chicago\n",
				i, j, i, j, j, j, j%500, j%20)
		}
		if m == nil {
			m = pgtest.StartMeter(b, pool)
		}
		b.StartTimer()
		res, err := store.Import(ctx, crm.System, "bench.csv", strings.NewReader(sb.String()))
		if err != nil || res.Created != rows || res.Enrolled != rows {
			b.Fatalf("import = %+v, %v", res, err)
		}
	}
	m.Report(b, rows*b.N, "rows", ceiling)
}
