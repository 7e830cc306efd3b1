package postgres_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio/csviotest"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
)

// countingSink takes the import's events and only counts them, so that the
// benchmark measures the import, not the enrollments.
type countingSink struct{ n atomic.Int64 }

func (s *countingSink) HandleEvent(context.Context, engine.Event) (engine.EventResult, error) {
	s.n.Add(1)
	return engine.EventResult{}, nil
}

func (s *countingSink) HandleEventIn(ctx context.Context, _ engine.Tx, ev engine.Event) (engine.EventResult, error) {
	return s.HandleEvent(ctx, ev)
}

// BenchmarkImport64MiB imports a 64 MiB contacts file into a fresh database
// and reports the process's peak memory. Run it alone, so that the peak is
// the import's:
//
//	go test ./internal/postgres -run XXX -bench Import64MiB -benchtime 1x -timeout 20m
func BenchmarkImport64MiB(b *testing.B) {
	path, rows := csviotest.WriteContacts(b, b.TempDir(), 64<<20)
	for b.Loop() {
		sink := &countingSink{}
		store, err := crm.New(postgres.NewCRM(pgtest.New(b)), crm.Options{Sink: sink})
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		res, err := store.Import(b.Context(), crm.System, path, f)
		f.Close()
		if err != nil || res.Created != rows || sink.n.Load() != int64(rows) {
			b.Fatalf("created %d of %d, %d events: %v %v", res.Created, rows, sink.n.Load(), err, res.Errors)
		}
	}
	b.ReportMetric(float64(csviotest.PeakRSS(b))/(1<<20), "peak-MB")
}
