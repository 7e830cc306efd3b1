package queue

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
)

// guard bounds every wait on the server; tests never sleep.
const guard = 20 * time.Second

// recorder is a Processor that reports each touch it is given.
type recorder struct {
	ids   chan int64
	block chan struct{} // when set, Process waits for it to close or ctx to end

	mu     sync.Mutex
	errs   map[int64][]error // errors to return for a touch, one per call
	ctxErr chan error
}

func newRecorder() *recorder {
	return &recorder{ids: make(chan int64, 100), errs: map[int64][]error{}, ctxErr: make(chan error, 10)}
}

func (r *recorder) Process(ctx context.Context, id int64) error {
	r.ids <- id
	if r.block != nil {
		select {
		case <-r.block:
		case <-ctx.Done():
			r.ctxErr <- ctx.Err()
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if errs := r.errs[id]; len(errs) > 0 {
		r.errs[id] = errs[1:]
		return errs[0]
	}
	return nil
}

// want waits until the recorder has seen exactly the given ids, in any order.
func (r *recorder) want(t *testing.T, ids ...int64) {
	t.Helper()
	timer := time.NewTimer(guard)
	defer timer.Stop()
	var got []int64
	for len(got) < len(ids) {
		select {
		case id := <-r.ids:
			got = append(got, id)
		case <-timer.C:
			t.Fatalf("after %v the processor saw %v, want %v", guard, got, ids)
		}
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(ids))
	if !slices.Equal(got, want) {
		t.Fatalf("processor saw %v, want %v", got, want)
	}
}

// runServer runs a Server with quick polling until the returned stop is called.
func runServer(t *testing.T, opt asynq.RedisClientOpt, p Processor) (stop func()) {
	t.Helper()
	return runServerConfig(t, opt, p, ServerConfig{})
}

func runServerConfig(t *testing.T, opt asynq.RedisClientOpt, p Processor, cfg ServerConfig) (stop func()) {
	t.Helper()
	cfg.Prefix = testPrefix
	cfg.Logger = testLogger(t)
	cfg.TaskCheckInterval = 10 * time.Millisecond
	cfg.DelayedTaskCheckInterval = 20 * time.Millisecond
	if cfg.RetryBase == 0 {
		cfg.RetryBase, cfg.RetryMax = time.Millisecond, 10*time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewServer(opt, cfg, p).Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(guard):
				t.Errorf("Run did not return %v after its context ended", guard)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestServerProcessesTouches(t *testing.T) {
	t.Parallel()
	opt, q, _ := setup(t)
	now := time.Now()
	// Due now and in the past: pending at once. Due 50ms ahead: scheduled,
	// moved to pending by asynq's forwarder (DelayedTaskCheckInterval).
	touches := []engine.Touch{touch(1, now.Add(-time.Hour)), touch(2, now), touch(3, now.Add(50*time.Millisecond))}
	if err := q.Enqueue(t.Context(), touches); err != nil {
		t.Fatal(err)
	}
	p := newRecorder()
	stop := runServer(t, opt, p)
	p.want(t, 1, 2, 3)
	stop()
}

func TestServerRetriesAndSkips(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	p := newRecorder()
	p.errs[1] = []error{errors.New("smtp: 421 try later")}
	p.errs[2] = []error{engine.Permanent(errors.New("smtp: 550 no such user"))}
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(1, time.Now()), touch(2, time.Now())}); err != nil {
		t.Fatal(err)
	}
	stop := runServer(t, opt, p)
	p.want(t, 1, 2, 1) // 1 again after its backoff
	stop()             // waits for the workers, so asynq has recorded the outcomes
	info := taskInfo(t, insp, 2)
	if info.State != asynq.TaskStateArchived || info.Retried != 0 || !strings.Contains(info.LastErr, "550 no such user") {
		t.Errorf("task 2: %s after %d retries, last error %q; want archived at once with the 550", info.State, info.Retried, info.LastErr)
	}
	if _, err := insp.GetTaskInfo(testQueue, "1"); !errors.Is(err, asynq.ErrTaskNotFound) {
		t.Errorf("task 1 after success: %v, want it gone (no retention)", err)
	}
}

func TestServerShutdownRequeuesRunningTouch(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(4, time.Now())}); err != nil {
		t.Fatal(err)
	}
	p := newRecorder()
	p.block = make(chan struct{}) // never closed: the touch outlives the shutdown timeout
	stop := runServerConfig(t, opt, p, ServerConfig{ShutdownTimeout: 100 * time.Millisecond})
	p.want(t, 4)
	stop()
	select {
	case err := <-p.ctxErr:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("touch context ended with %v, want canceled", err)
		}
	default:
		t.Error("the running touch's context was not canceled at shutdown")
	}
	if st := taskInfo(t, insp, 4).State; st != asynq.TaskStatePending {
		t.Errorf("task 4 is %s after shutdown, want pending again", st)
	}
}

func TestServerRunFailsWithoutRedis(t *testing.T) {
	t.Parallel()
	err := NewServer(asynq.RedisClientOpt{Addr: "127.0.0.1:1"}, ServerConfig{}, newRecorder()).Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "ping redis") {
		t.Fatalf("Run without Redis: %v, want a ping error", err)
	}
}

// byChannel is a Processor whose email touches block until released, while
// touches of other channels finish at once.
type byChannel struct {
	email   map[int64]bool
	release chan struct{}
	emails  chan int64 // email touches started
	others  chan int64 // other touches done
}

func (b *byChannel) Process(ctx context.Context, id int64) error {
	if !b.email[id] {
		b.others <- id
		return nil
	}
	b.emails <- id
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return nil
}

// TestSlowEmailDoesNotHoldCalls: with every email worker stuck on a slow
// SMTP server and more email waiting, a call task still runs: each channel
// has its own queue and workers.
func TestSlowEmailDoesNotHoldCalls(t *testing.T) {
	t.Parallel()
	opt, q, _ := setup(t)
	now := time.Now()
	call := engine.Touch{ID: 3, Due: now, Channel: tracks.ChannelCall}
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(1, now), touch(2, now)}); err != nil {
		t.Fatal(err)
	}
	p := &byChannel{email: map[int64]bool{1: true, 2: true}, release: make(chan struct{}),
		emails: make(chan int64, 2), others: make(chan int64, 1)}
	defer close(p.release)
	runServerConfig(t, opt, p, ServerConfig{Concurrency: map[tracks.Channel]int{tracks.ChannelEmail: 1}})
	timer := time.NewTimer(guard)
	defer timer.Stop()
	select {
	case <-p.emails: // the one email worker is now stuck
	case <-timer.C:
		t.Fatal("no email touch started")
	}
	if err := q.Enqueue(t.Context(), []engine.Touch{call}); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-p.others:
		if id != call.ID {
			t.Fatalf("processed touch %d, want the call %d", id, call.ID)
		}
	case <-timer.C:
		t.Fatalf("the call did not run within %v while email was stuck", guard)
	}
}
