package postgres_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/jackc/pgx/v5"
)

// benchNow is "now" for the report benchmarks: the data spans the year
// before it and the eight weeks after.
var benchNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// BenchmarkReports runs each report once per operation over 100,000
// contacts (a year of leads from 20 reps and 20 campaigns), 1,000,000
// activities (70% done over the year), 10,000 opportunities, 5,000 sales
// and 300,000 touches. The month reports cover the current month and, as
// "-year", the whole year.
func BenchmarkReports(b *testing.B) {
	s := setup(b)
	fillReports(b, s)
	reports, err := crm.NewReports(crm.ReportsConfig{Store: postgres.NewCRM(s.Pool()), Clock: clock.NewVirtual(benchNow)})
	if err != nil {
		b.Fatal(err)
	}
	year := crm.ReportQuery{From: benchNow.AddDate(-1, 0, 0), Until: benchNow}
	for _, name := range crm.ReportNames() {
		b.Run(name, func(b *testing.B) { benchReport(b, reports, name, crm.ReportQuery{}) })
	}
	for _, name := range []string{"points", "sources", "traffic", "tracks"} {
		b.Run(name+"-year", func(b *testing.B) { benchReport(b, reports, name, year) })
	}
}

// benchReport builds one report per operation; it must have rows.
func benchReport(b *testing.B, r *crm.Reports, name string, q crm.ReportQuery) {
	for range b.N {
		t, err := r.Report(context.Background(), crm.System, name, q)
		if err != nil || len(t.Rows) == 0 {
			b.Fatalf("%s: %d rows, %v", name, len(t.Rows), err)
		}
	}
}

// fillReports loads the benchmark's data: contacts and activities by COPY,
// the rest by INSERT … SELECT.
func fillReports(b *testing.B, s *postgres.Store) {
	ctx := context.Background()
	pool := s.Pool()
	version := saveTrack(b, s, "bench")
	for _, sql := range []string{
		`INSERT INTO reps (username, role) SELECT 'rep' || g, 'sales' FROM generate_series(1, 20) g`,
		`INSERT INTO reps (username, role) VALUES ('boss', 'manager')`,
		`INSERT INTO campaigns (name, type, cost) SELECT 'campaign-' || g, 'Event', g * 100 FROM generate_series(1, 20) g`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	year := benchNow.Sub(benchNow.AddDate(-1, 0, 0))
	sources := []string{"Web", "Trade Show", "Referral", "Cold Call", "Webinar"}
	const contacts = 100_000
	n := 0
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"contacts"},
		[]string{"email", "owner_id", "lead_source", "campaign", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == contacts {
				return nil, nil
			}
			n++
			return []any{"c" + strconv.Itoa(n) + "@example.com", int64(1 + rng.IntN(20)), sources[rng.IntN(len(sources))],
				"campaign-" + strconv.Itoa(1+rng.IntN(20)), benchNow.Add(-time.Duration(rng.Int64N(int64(year))))}, nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	copyActivities(b, s, rng, contacts, year)
	for _, sql := range []string{
		`INSERT INTO opportunities (contact_id, name, stage, status, revenue, close_date, owner_id)
			SELECT g * 10, 'deal', (ARRAY['Prospect','1st Appointment','Discovery','Presentation','Follow-Up','Commitment'])[1 + g % 6],
				(ARRAY['Open','Open','Won','Lost'])[1 + g % 4], 1000 + g % 5000, $1::date - (g % 365), 1 + g % 20
			FROM generate_series(1, 10000) g`,
		`INSERT INTO sales (contact_id, opportunity_id, amount, sold_at, rep_id)
			SELECT g * 20, CASE WHEN g % 2 = 0 THEN g * 2 END, 500 + g % 900, $1::timestamptz - (g % 365) * interval '1 day', 1 + g % 20
			FROM generate_series(1, 5000) g`,
	} {
		if _, err := pool.Exec(ctx, sql, benchNow); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO enrollments (contact_id, track_id, track_version, anchor, started_at)
		SELECT id, 'bench', $1, created_at, created_at FROM contacts`, version); err != nil {
		b.Fatal(err)
	}
	// Per contact: a finished call, then a task and a letter scheduled in
	// the eight weeks ahead.
	if _, err := pool.Exec(ctx, `INSERT INTO touches (enrollment_id, contact_id, track_id, track_version,
			step_index, step_id, channel, due, state, finished_at)
		SELECT e.id, e.contact_id, 'bench', $1, st, 'step-' || st, (ARRAY['call','task','letter'])[st + 1],
			CASE WHEN st = 0 THEN e.started_at ELSE $2::timestamptz + (e.id % (56 * 24)) * interval '1 hour' END,
			CASE WHEN st > 0 THEN 'scheduled' ELSE (ARRAY['done','done','skipped','canceled','failed'])[1 + e.id % 5] END,
			CASE WHEN st = 0 THEN e.started_at END
		FROM enrollments e CROSS JOIN generate_series(0, 2) st`, version, benchNow); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// copyActivities loads 1,000,000 activities by COPY: 70% done over the
// year, the rest open and due within a month either side of now.
func copyActivities(b *testing.B, s *postgres.Store, rng *rand.Rand, contacts int, year time.Duration) {
	const activities = 1_000_000
	types := []struct {
		name   string
		points int
	}{{"1st Appointment", 10}, {"Discovery Meeting", 12}, {"Lead Follow Up Call", 1}, {"New Hardware Quote", 5}}
	n := 0
	_, err := s.Pool().CopyFrom(context.Background(), pgx.Identifier{"activities"},
		[]string{"contact_id", "rep_id", "type", "points", "status", "due", "completed_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == activities {
				return nil, nil
			}
			n++
			t := types[rng.IntN(len(types))]
			row := []any{int64(1 + rng.IntN(contacts)), int64(1 + rng.IntN(20)), t.name, t.points}
			if rng.IntN(10) < 7 {
				at := benchNow.Add(-time.Duration(rng.Int64N(int64(year))))
				return append(row, "done", at, at), nil
			}
			due := benchNow.Add(time.Duration(rng.Int64N(int64(60*24*time.Hour))) - 30*24*time.Hour)
			return append(row, "open", due, nil), nil
		}))
	if err != nil {
		b.Fatal(err)
	}
}
