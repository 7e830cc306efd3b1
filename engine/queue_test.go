package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/queue"
	"github.com/dripline/dripline/internal/redistest"
	"github.com/dripline/dripline/tracks"
)

// setupQueue is a fixture whose scheduler hands touches to asynq on a Redis
// database of the test's own.
func setupQueue(t testing.TB) (*fixture, asynq.RedisClientOpt) {
	t.Helper()
	opt, _ := redistest.New(t)
	q, err := queue.New(opt, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return setupWith(t, nil, q), opt
}

// enrollMany creates n prospects and bulk-enrolls them on the lost track,
// whose first call is due one day later.
func (f *fixture) enrollMany(n int) []int64 {
	f.t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = f.contact(fmt.Sprintf("p%d@example.com", i)).ID
	}
	got, err := f.eng.EnrollMany(f.ctx, "lost", ids)
	if err != nil || got != n {
		f.t.Fatalf("EnrollMany = %d, %v; want %d", got, err, n)
	}
	return ids
}

// scheduled counts the tasks asynq holds in the channels' queues.
func scheduled(t *testing.T, opt asynq.RedisClientOpt) int {
	t.Helper()
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	n := 0
	for _, spec := range tracks.Channels() {
		info, err := insp.GetQueueInfo(queue.Name(queue.DefaultPrefix, spec.Name))
		if err != nil {
			continue // the queue does not exist yet
		}
		n += info.Scheduled + info.Pending
	}
	return n
}

func TestConcurrentTicksNeverDoubleEnqueue(t *testing.T) {
	t.Parallel()
	f, opt := setupQueue(t)
	f.enrollMany(300)
	f.clock.Set(start.Add(24*time.Hour - time.Minute)) // the calls fall due within the horizon

	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := f.eng.Tick(context.Background())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 300 {
		t.Fatalf("four concurrent ticks queued %d touches in all, want each of 300 once", total)
	}
	if n := scheduled(t, opt); n != 300 {
		t.Fatalf("asynq holds %d tasks, want 300", n)
	}
}

func TestRedisFlushedLosesNothing(t *testing.T) {
	t.Parallel()
	f, opt := setupQueue(t)
	f.enrollMany(50)
	f.clock.Set(start.Add(24*time.Hour - time.Minute))
	if n, err := f.eng.Tick(f.ctx); err != nil || n != 50 {
		t.Fatalf("tick = %d, %v; want 50", n, err)
	}
	rdb := queue.NewRedisClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(f.ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := f.eng.Reconcile(f.ctx); err != nil || n != 0 {
		t.Fatalf("reconcile before the touches are overdue = %d, %v; want 0", n, err)
	}
	f.clock.Advance(5 * time.Minute) // now well past due and still not run
	if n, err := f.eng.Reconcile(f.ctx); err != nil || n != 50 {
		t.Fatalf("reconcile = %d, %v; want 50", n, err)
	}
	if n, err := f.eng.Reconcile(f.ctx); err != nil || n != 0 {
		t.Fatalf("a second reconcile right away = %d, %v; want 0", n, err)
	}
	f.work(opt, 50)
	if n := f.count(`SELECT count(*) FROM touches WHERE step_id = 'wedge' AND state = 'done'`); n != 50 {
		t.Fatalf("%d wedge calls done after the flush, want 50", n)
	}
}

func TestDuplicateDeliveryActsOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	batch, err := f.store.QueueDue(f.ctx, f.clock.Now(), f.clock.Now().Add(time.Minute), 10)
	if err != nil || len(batch) != 1 {
		t.Fatalf("QueueDue = %v, %v", batch, err)
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.eng.Process(context.Background(), batch[0].ID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := f.eng.Process(f.ctx, batch[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM activities WHERE touch_id = $1`, batch[0].ID); n != 1 {
		t.Fatalf("%d activities for one touch delivered six times, want 1", n)
	}
	if n := f.count(`SELECT count(*) FROM touches WHERE contact_id = $1`, c.ID); n != 2 {
		t.Fatalf("%d touches, want the done one and the next step", n)
	}
}

// recorder is a queue.Processor that runs the engine and reports each touch.
type recorder struct {
	eng  *engine.Engine
	done chan int64
}

func (r recorder) Process(ctx context.Context, id int64) error {
	err := r.eng.Process(ctx, id)
	r.done <- id
	return err
}

// work runs asynq workers on the fixture's engine until n touches were
// processed, then shuts them down.
func (f *fixture) work(opt asynq.RedisClientOpt, n int) {
	f.t.Helper()
	rec := recorder{f.eng, make(chan int64, n)}
	srv := queue.NewServer(opt, queue.ServerConfig{DelayedTaskCheckInterval: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}, rec)
	ctx, cancel := context.WithCancel(f.ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx) }()
	for range n {
		select {
		case <-rec.done:
		case <-time.After(30 * time.Second):
			f.t.Fatalf("workers did not run %d queued touches within 30s", n)
		}
	}
	cancel()
	if err := <-served; err != nil {
		f.t.Fatal(err)
	}
}

func TestWorkersCarryOutQueuedTouches(t *testing.T) {
	t.Parallel()
	f, opt := setupQueue(t)
	f.enrollMany(20)
	f.clock.Set(start.Add(24 * time.Hour)) // due now: asynq runs them at once
	if n, err := f.eng.Tick(f.ctx); err != nil || n != 20 {
		t.Fatalf("tick = %d, %v", n, err)
	}
	f.work(opt, 20)
	if n := f.count(`SELECT count(*) FROM touches WHERE step_id = 'wedge' AND state = 'done'`); n != 20 {
		t.Fatalf("%d wedge calls done, want 20", n)
	}
	if n := f.count(`SELECT count(*) FROM activities WHERE status = 'open' AND type = 'Marketing Track Activity Call'`); n != 20 {
		t.Fatalf("%d open call activities, want 20", n)
	}
}

// The failures users of drip engines report most: the same touches handed
// out again on every run (mautic #5423) and long campaigns silently stalling
// (mautic #2004).
func TestTickHandsEachTouchOverOnce(t *testing.T) {
	t.Parallel()
	f, _ := setupQueue(t)
	f.enrollMany(40)
	f.clock.Set(start.Add(24*time.Hour - time.Minute))
	for run, want := range []int{40, 0, 0} {
		if n, err := f.eng.Tick(f.ctx); err != nil || n != want {
			t.Fatalf("tick %d = %d, %v; want %d", run, n, err, want)
		}
		f.clock.Advance(30 * time.Second)
	}
}

func TestYearLongTrackRunsToTheEnd(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	if _, err := f.eng.HandleEvent(f.ctx, engine.Event{ContactID: c.ID, Name: "manual", Track: "year"}); err != nil {
		t.Fatal(err)
	}
	f.runUntil(start.AddDate(1, 1, 0))
	ts := f.touches(c)
	if len(ts) != 13 {
		t.Fatalf("%d touches in 13 months, want 13", len(ts))
	}
	for _, tc := range ts {
		if tc.State != engine.TouchDone {
			t.Fatalf("touch %s is %s, want done", tc.StepID, tc.State)
		}
	}
	if n := f.count(`SELECT count(*) FROM enrollments WHERE contact_id = $1 AND state = 'completed'`, c.ID); n != 1 {
		t.Fatal("the year-long enrollment did not complete")
	}
}
