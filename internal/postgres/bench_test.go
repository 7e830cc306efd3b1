package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
)

// BenchmarkCeiling measures what the PostgreSQL server does at best on this
// machine: COPY rows/s into a table shaped like contacts, and single-row
// INSERT transactions/s. The other benchmarks report their rate as a percent
// of the same COPY figure, measured once in their run.
func BenchmarkCeiling(b *testing.B) {
	pool := pgtest.New(b)
	var c pgtest.Ceiling
	for b.Loop() {
		c = pgtest.MeasureCeiling(b, pool)
	}
	b.ReportMetric(c.CopyRows, "copy-rows/s")
	b.ReportMetric(c.CopyCPU, "copy-db-cpu-µs/row")
	b.ReportMetric(c.TxRows, "single-row-tx/s")
}

// BenchmarkBulkEnroll enrolls 100,000 contacts on a new track per operation
// (Store.BulkEnroll, as engine.EnrollMany calls it). A headline figure.
func BenchmarkBulkEnroll(b *testing.B) {
	const contacts = 100_000
	s := setup(b)
	ceiling := pgtest.MeasureCeiling(b, s.Pool())
	ids := addContacts(b, s, contacts)
	var m *pgtest.Meter
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		track := fmt.Sprintf("bench-%d", i)
		version := saveTrack(b, s, track)
		es := make([]engine.NewEnrollment, len(ids))
		for j, id := range ids {
			es[j] = newEnrollment(id, track, version, "never", t0.Add(time.Duration(j)*time.Second))
		}
		if m == nil {
			m = pgtest.StartMeter(b, s.Pool())
		}
		b.StartTimer()
		n, err := s.BulkEnroll(context.Background(), es)
		if err != nil || n != contacts {
			b.Fatalf("BulkEnroll = %d, %v", n, err)
		}
	}
	m.Report(b, contacts*b.N, "enrollments", ceiling)
}

// BenchmarkQueueDue measures a scheduler tick (QueueDue in batches of 1,000
// until nothing is due) with 1,000,000 touches scheduled (100,000 with
// -short): when none is due and when 10,000 are.
func BenchmarkQueueDue(b *testing.B) {
	scheduled := 1_000_000
	if testing.Short() {
		scheduled = 100_000
	}
	s := setup(b)
	fillTouches(b, s, scheduled)
	label := fmt.Sprintf("scheduled=%dk", scheduled/1000)
	b.Run(label+"/due=0", func(b *testing.B) { benchTick(b, s, 0) })
	const due = 10_000
	_, err := s.Pool().Exec(context.Background(), `UPDATE touches SET due = $1::timestamptz - (id % 600) * interval '1 second'
		WHERE id IN (SELECT id FROM touches ORDER BY id LIMIT $2)`, t0, due)
	if err != nil {
		b.Fatal(err)
	}
	analyze(b, s)
	b.Run(label+"/due=10k", func(b *testing.B) { benchTick(b, s, due) })
}

// benchTick runs one scheduler tick per operation and expects it to queue
// want touches, putting them back to scheduled between operations.
func benchTick(b *testing.B, s *postgres.Store, want int) {
	ctx := context.Background()
	const batch = 1000
	for range b.N {
		got := 0
		for {
			ts, err := s.QueueDue(ctx, t0, t0.Add(5*time.Minute), batch)
			if err != nil {
				b.Fatal(err)
			}
			got += len(ts)
			if len(ts) < batch {
				break
			}
		}
		if got != want {
			b.Fatalf("a tick queued %d touches, want %d", got, want)
		}
		b.StopTimer()
		if _, err := s.Pool().Exec(ctx, `UPDATE touches SET state = 'scheduled', queued_at = NULL WHERE state = 'queued'`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	if want > 0 {
		b.ReportMetric(float64(want*b.N)/b.Elapsed().Seconds(), "touches/s")
	}
}

// fillTouches schedules n touches, ten per enrollment, all due a day or more
// after t0, with generate_series.
func fillTouches(b *testing.B, s *postgres.Store, n int) {
	ctx := context.Background()
	version := saveTrack(b, s, "bench")
	addContacts(b, s, n/10)
	for _, sql := range []string{
		`INSERT INTO enrollments (contact_id, track_id, track_version, anchor, started_at)
			SELECT id, 'bench', $1, $2::timestamptz, $2 FROM contacts`,
		`INSERT INTO touches (enrollment_id, contact_id, track_id, track_version, step_index, step_id, channel, due)
			SELECT e.id, e.contact_id, 'bench', $1, st, 'step-' || st, 'email',
				$2::timestamptz + interval '1 day' + (e.id * 10 + st) * interval '1 second'
			FROM enrollments e CROSS JOIN generate_series(0, 9) st`,
	} {
		if _, err := s.Pool().Exec(ctx, sql, version, t0); err != nil {
			b.Fatal(err)
		}
	}
	analyze(b, s)
}

func analyze(b *testing.B, s *postgres.Store) {
	if _, err := s.Pool().Exec(context.Background(), `VACUUM ANALYZE touches, enrollments`); err != nil {
		b.Fatal(err)
	}
}
