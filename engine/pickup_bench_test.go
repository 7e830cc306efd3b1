package engine_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/benchmeter"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/queue"
	"github.com/dripline/dripline/internal/redistest"
	"github.com/dripline/dripline/tracks"
)

// pickupSeconds is how long the pickup benchmark's steady load lasts.
const pickupSeconds = 10

// BenchmarkPickupLatency measures how late touches start at a steady 100 and
// 500 a second on the wall clock: for 10 s, call touches due evenly apart are
// queued ahead (as the scheduler's horizon does), the queue's promoter hands
// them to the call channel's 16 workers at their due times, asynq's forwarder
// (every 200 ms) and idle workers (looking every 50 ms) set as serve sets
// them, and each start is compared with its due time. It reports the pickup
// (due → the worker starts it) and the lag (due → done in PostgreSQL) at p50,
// p99 and the worst, in milliseconds, and the CPU time this process spent
// per touch (enrolling, ticking, promoting, working; not PostgreSQL's or
// Redis's).
func BenchmarkPickupLatency(b *testing.B) {
	for _, rate := range []int{100, 500} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) { benchPickup(b, rate) })
	}
}

// benchPickup runs BenchmarkPickupLatency at rate touches a second.
func benchPickup(b *testing.B, rate int) {
	opt, _ := redistest.New(b)
	q, err := queue.New(opt, queue.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { q.Close() })
	lags := &lagObserver{}
	f := setupWith(b, nil, q, func(c *engine.Config) { c.Clock, c.Observer = clock.Real{}, lags })
	ids := f.bulkContacts(rate * pickupSeconds)
	timer := &pickupTimer{eng: f.eng, due: map[int64]time.Time{}}
	srv := queue.NewServer(opt, queue.ServerConfig{Concurrency: map[tracks.Channel]int{tracks.ChannelCall: 16},
		DelayedTaskCheckInterval: 200 * time.Millisecond, TaskCheckInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)}, timer)
	ctx, cancel := context.WithCancel(context.Background())
	served, promoted := make(chan error, 1), make(chan error, 1)
	go func() { served <- srv.Run(ctx) }()
	go func() { promoted <- q.Promote(ctx) }()
	cpu := benchmeter.Since()
	for range b.N {
		timer.reset()
		lags.reset()
		start := time.Now().Add(2 * time.Second)
		if n, err := f.eng.EnrollMany(f.ctx, "bench-call", ids); err != nil || n != len(ids) {
			b.Fatalf("EnrollMany = %d, %v", n, err)
		}
		timer.spread(b, f, start, rate)
		if n, err := f.eng.Tick(f.ctx); err != nil || n != len(ids) {
			b.Fatalf("Tick = %d, %v", n, err)
		}
		lags.wait(len(ids))
	}
	b.ReportMetric(float64(cpu().Microseconds())/float64(b.N*len(ids)), "cpu-µs/touch")
	cancel()
	if err := errors.Join(<-served, <-promoted); err != nil {
		b.Fatal(err)
	}
	report(b, "pickup", timer.pickups())
	report(b, "lag", lags.all())
}

// pickupTimer is the workers' Processor: it notes how late each touch starts.
type pickupTimer struct {
	eng *engine.Engine

	mu     sync.Mutex
	due    map[int64]time.Time
	pickup []time.Duration // due → started
}

func (p *pickupTimer) Process(ctx context.Context, id int64) error {
	now := time.Now()
	p.mu.Lock()
	p.pickup = append(p.pickup, now.Sub(p.due[id]))
	p.mu.Unlock()
	return p.eng.Process(ctx, id)
}

func (p *pickupTimer) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pickup = p.pickup[:0]
}

// pickups returns the pickup latencies measured so far.
func (p *pickupTimer) pickups() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.pickup)
}

// spread sets the scheduled touches' due times rate a second from start,
// and remembers them.
func (p *pickupTimer) spread(b *testing.B, f *fixture, start time.Time, rate int) {
	rows, err := f.store.Pool().Query(f.ctx, `UPDATE touches t SET due = $1::timestamptz + s.n * $2::bigint * interval '1 microsecond'
		FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM touches WHERE state = 'scheduled') s
		WHERE t.id = s.id RETURNING t.id, t.due`, start, int64(time.Second/time.Duration(rate)/time.Microsecond))
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for rows.Next() {
		var id int64
		var due time.Time
		if err := rows.Scan(&id, &due); err != nil {
			b.Fatal(err)
		}
		p.due[id] = due
	}
}

// lagObserver collects each finished touch's lag.
type lagObserver struct {
	mu   sync.Mutex
	cond *sync.Cond
	lags []time.Duration
}

func (o *lagObserver) TouchFinished(f engine.Finished) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lags = append(o.lags, f.Lag)
	if o.cond != nil {
		o.cond.Broadcast()
	}
}

func (o *lagObserver) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lags = o.lags[:0]
}

// wait returns once n touches finished.
func (o *lagObserver) wait(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cond == nil {
		o.cond = sync.NewCond(&o.mu)
	}
	for len(o.lags) < n {
		o.cond.Wait()
	}
}

func (o *lagObserver) all() []time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.lags)
}

// report adds the p50, p99 and worst of ds as metrics named after what.
func report(b *testing.B, what string, ds []time.Duration) {
	if len(ds) == 0 {
		b.Fatalf("no %s measured", what)
	}
	slices.Sort(ds)
	at := func(q float64) float64 { return float64(ds[int(q*float64(len(ds)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(at(0.5), what+"-p50-ms")
	b.ReportMetric(at(0.99), what+"-p99-ms")
	b.ReportMetric(at(1), what+"-max-ms")
}
