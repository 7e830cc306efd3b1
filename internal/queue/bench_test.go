package queue

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/redistest"
)

// BenchmarkEnqueue enqueues batches of 1,000 new touches with several
// enqueues in flight (Config.Parallel) and reports tasks/s.
func BenchmarkEnqueue(b *testing.B) {
	const batch = 1000
	for _, parallel := range []int{1, 4, 8, 16, 32} {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			opt, _ := redistest.New(b)
			q, err := New(opt, Config{Prefix: testPrefix, Parallel: parallel, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			defer q.Close()
			due := time.Now().Add(time.Hour)
			touches := make([]engine.Touch, batch)
			next := int64(1)
			for b.Loop() {
				for i := range touches {
					touches[i] = touch(next, due)
					next++
				}
				if err := q.Enqueue(b.Context(), touches); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(next-1)/b.Elapsed().Seconds(), "tasks/s")
		})
	}
}
