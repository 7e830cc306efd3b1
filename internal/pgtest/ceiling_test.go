package pgtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/internal/benchmeter"
	"github.com/dripline/dripline/internal/pgtest"
)

// ceilingTable is shaped like an enrollment row: two ids, a text, a time.
const ceilingTable = `CREATE TABLE ceiling (id bigint, contact_id bigint, track_id text, at timestamptz)`

// BenchmarkCeilingCopy is what PostgreSQL takes in through COPY on this
// machine: 100,000 enrollment-sized rows per operation into a table without
// indexes. `make bench` prints bulk enroll and import beside it.
func BenchmarkCeilingCopy(b *testing.B) {
	const rows = 100_000
	pool := pgtest.New(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, ceilingTable); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	data := make([][]any, rows)
	for i := range data {
		data[i] = []any{int64(i), int64(i), "general-interest", at}
	}
	cpu := benchmeter.Since()
	b.ResetTimer()
	for range b.N {
		n, err := pool.CopyFrom(ctx, pgx.Identifier{"ceiling"}, []string{"id", "contact_id", "track_id", "at"}, pgx.CopyFromRows(data))
		if err != nil || n != rows {
			b.Fatalf("copy = %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows*b.N)/cpu().Seconds(), "rows/cpu-s")
}

// BenchmarkCeilingTx is PostgreSQL's rate of single-row transactions (BEGIN,
// INSERT, COMMIT) from 8 connections: the floor under any work that commits
// once per touch.
func BenchmarkCeilingTx(b *testing.B) {
	pool := pgtest.New(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, ceilingTable); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	cpu := benchmeter.Since()
	b.SetParallelism(4) // 8 on two cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO ceiling VALUES (1, 1, 'general-interest', $1)`, at)
				return err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(b.N)/cpu().Seconds(), "tx/cpu-s")
}
