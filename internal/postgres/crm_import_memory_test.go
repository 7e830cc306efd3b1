package postgres_test

import (
	"os"
	"testing"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio/csviotest"
	"github.com/dripline/dripline/internal/pgtest"
)

// BenchmarkImport64MiB imports a 64 MiB contacts file (about 600,000 rows)
// into a fresh database, each new contact enrolled by its contact.created
// event, and reports the process's peak memory beside the rate. Run it
// alone, so that the peak is the import's:
//
//	go test ./internal/postgres -run XXX -bench Import64MiB -benchtime 1x -timeout 20m
func BenchmarkImport64MiB(b *testing.B) {
	path, rows := csviotest.WriteContacts(b, b.TempDir(), 64<<20)
	var m *pgtest.Meter
	for b.Loop() {
		b.StopTimer()
		store, pool := crmSetup(b)
		ceiling := pgtest.MeasureCeiling(b, pool)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m = pgtest.StartMeter(b, pool)
		b.StartTimer()
		res, err := store.Import(b.Context(), crm.System, path, f)
		f.Close()
		if err != nil || res.Created != rows || res.Enrolled != rows {
			b.Fatalf("created %d of %d, %d enrolled: %v %v", res.Created, rows, res.Enrolled, err, res.Errors)
		}
		m.Report(b, rows, "rows", ceiling)
	}
	b.ReportMetric(float64(csviotest.PeakRSS(b))/(1<<20), "peak-RSS-MB")
}
