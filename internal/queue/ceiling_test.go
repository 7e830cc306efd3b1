package queue

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/dripline/dripline/internal/benchmeter"
	"github.com/dripline/dripline/internal/redistest"
)

// BenchmarkCeilingAsynq is what asynq alone does on this Redis: empty tasks
// enqueued one by one from 8 goroutines and processed by a server with 32
// workers whose handler does nothing. `make bench` prints the queue figures
// beside it. Enqueueing and processing overlap, as in the daemon.
func BenchmarkCeilingAsynq(b *testing.B) {
	opt, _ := redistest.New(b)
	client := asynq.NewClient(opt)
	defer client.Close()
	done := make(chan struct{}, 1024)
	srv := asynq.NewServer(opt, asynq.Config{Concurrency: 32, TaskCheckInterval: 10 * time.Millisecond,
		Logger: slogAdapter{slog.New(slog.DiscardHandler)}, Queues: map[string]int{"ceiling": 1}})
	if err := srv.Start(asynq.HandlerFunc(func(context.Context, *asynq.Task) error {
		done <- struct{}{}
		return nil
	})); err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown()
	cpu := benchmeter.Since()
	b.ResetTimer()
	b.SetParallelism(4)
	enqueued := make(chan struct{})
	go func() {
		defer close(enqueued)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := client.Enqueue(asynq.NewTask("ceiling", nil), asynq.Queue("ceiling")); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}()
	for range b.N {
		<-done
	}
	<-enqueued
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tasks/s")
	b.ReportMetric(float64(b.N)/cpu().Seconds(), "tasks/cpu-s")
}
