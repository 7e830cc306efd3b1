package queue

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/tracks"
)

// promoting gives a test a Queue whose promoter runs on a virtual clock set
// to start, an hour ahead of the wall clock so asynq's own forwarder leaves
// the touches alone. It returns the clock and a function that moves it to
// t and waits until the promoter has done its work and parked again, on
// next (its next due, or its idle wait).
func promoting(t *testing.T, cfg Config) (opt asynq.RedisClientOpt, q *Queue, insp *asynq.Inspector, start time.Time, moveTo func(t, next time.Time)) {
	t.Helper()
	start = time.Now().Add(time.Hour).Truncate(time.Second)
	vc := clock.NewVirtual(start)
	cfg.Clock = vc
	opt, q, insp = setupConfig(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Promote(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Promote: %v", err)
		}
	})
	park := func(at time.Time) {
		t.Helper()
		wait, stop := context.WithTimeout(t.Context(), guard)
		defer stop()
		if err := vc.BlockUntilWakeAt(wait, at); err != nil {
			t.Fatalf("promoter not parked on %v: %v", at, err)
		}
	}
	park(start.Add(idleWait))
	return opt, q, insp, start, func(to, next time.Time) {
		t.Helper()
		vc.Set(to)
		park(next)
	}
}

// states reports each touch's task state ("gone" when it has none).
func states(t *testing.T, insp *asynq.Inspector, ids ...int64) map[int64]string {
	t.Helper()
	got := map[int64]string{}
	for _, id := range ids {
		info, err := insp.GetTaskInfo(testQueue, strconv.FormatInt(id, 10))
		switch {
		case err == nil:
			got[id] = info.State.String()
		case errors.Is(err, asynq.ErrTaskNotFound):
			got[id] = "gone"
		default:
			t.Fatalf("task %d: %v", id, err)
		}
	}
	return got
}

// pendingList is the test queue's pending list in the order workers take it.
func pendingList(t *testing.T, q *Queue) []string {
	t.Helper()
	ids, err := q.rdb.LRange(t.Context(), "asynq:{"+testQueue+"}:pending", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ids) // LPUSH in, RPOP out
	return ids
}

func enqueue(t *testing.T, q *Queue, touches ...engine.Touch) {
	t.Helper()
	if err := q.Enqueue(t.Context(), touches); err != nil {
		t.Fatal(err)
	}
}

func wantStates(t *testing.T, insp *asynq.Inspector, want map[int64]string) {
	t.Helper()
	got := states(t, insp, slices.Collect(maps.Keys(want))...)
	for id, st := range want {
		if got[id] != st {
			t.Errorf("task %d is %s, want %s", id, got[id], st)
		}
	}
}

// TestPromoteAtDue: each scheduled touch moves to pending at its exact due
// time on the queue's clock, not a nanosecond before, earliest first; a touch
// due sooner than the one the promoter sleeps for wakes it.
func TestPromoteAtDue(t *testing.T) {
	t.Parallel()
	_, q, insp, start, moveTo := promoting(t, Config{})
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	justAfter := at(250).Add(time.Microsecond)
	enqueue(t, q, touch(1, at(250)), touch(5, justAfter), touch(2, at(1500)), touch(3, at(2000)))
	moveTo(at(250).Add(-time.Nanosecond), at(250))
	wantStates(t, insp, map[int64]string{1: "scheduled", 5: "scheduled", 2: "scheduled", 3: "scheduled"})

	moveTo(at(250), justAfter)
	wantStates(t, insp, map[int64]string{1: "pending", 5: "scheduled", 2: "scheduled", 3: "scheduled"})
	moveTo(justAfter, at(1500))
	wantStates(t, insp, map[int64]string{5: "pending", 2: "scheduled"})

	enqueue(t, q, touch(4, at(500))) // sooner than the promoter's next
	moveTo(at(499), at(500))
	wantStates(t, insp, map[int64]string{4: "scheduled"})
	moveTo(at(500), at(1500))
	wantStates(t, insp, map[int64]string{4: "pending", 2: "scheduled"})

	moveTo(at(2000), at(2000).Add(idleWait))
	wantStates(t, insp, map[int64]string{2: "pending", 3: "pending"})
	if got, want := pendingList(t, q), []string{"1", "5", "4", "2", "3"}; !slices.Equal(got, want) {
		t.Errorf("pending list %v, want %v (earliest due first)", got, want)
	}
}

// TestPromoteLeavesOtherTasks: a touch whose task is no longer scheduled for
// the second the queue gave it (already pending, running, archived, deleted,
// scheduled anew for another second) is left as it is.
func TestPromoteLeavesOtherTasks(t *testing.T) {
	t.Parallel()
	opt, q, insp, start, moveTo := promoting(t, Config{})
	due := start.Add(100 * time.Millisecond)
	enqueue(t, q, touch(10, due), touch(11, due), touch(12, due), touch(13, due), touch(14, due))

	// 14 runs, holding the channel's one worker, so 10 stays pending.
	if err := insp.RunTask(testQueue, "14"); err != nil {
		t.Fatal(err)
	}
	p := newRecorder()
	p.block = make(chan struct{})
	defer close(p.block)
	runServerConfig(t, opt, p, ServerConfig{Concurrency: map[tracks.Channel]int{tracks.ChannelEmail: 1}})
	p.want(t, 14)
	if err := insp.RunTask(testQueue, "10"); err != nil {
		t.Fatal(err)
	}
	if err := insp.ArchiveTask(testQueue, "11"); err != nil {
		t.Fatal(err)
	}
	if err := insp.DeleteTask(testQueue, "12"); err != nil {
		t.Fatal(err)
	}
	if err := insp.DeleteTask(testQueue, "13"); err != nil {
		t.Fatal(err)
	}
	if _, err := q.client.Enqueue(asynq.NewTask(TaskType, []byte("13")), asynq.TaskID("13"),
		asynq.Queue(testQueue), asynq.ProcessAt(start.Add(5*time.Second))); err != nil {
		t.Fatal(err)
	}

	moveTo(due, due.Add(idleWait))
	wantStates(t, insp, map[int64]string{10: "pending", 11: "archived", 12: "gone", 13: "scheduled", 14: "active"})
	if got := pendingList(t, q); !slices.Equal(got, []string{"10"}) {
		t.Errorf("pending list %v, want [10]", got)
	}
}

// TestPromoteLimit: beyond PromoteLimit remembered touches a scheduled touch
// is not remembered and waits for asynq; promoted touches make room again.
func TestPromoteLimit(t *testing.T) {
	t.Parallel()
	_, q, insp, start, moveTo := promoting(t, Config{PromoteLimit: 2})
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	enqueue(t, q, touch(1, at(100)))
	enqueue(t, q, touch(2, at(200)))
	enqueue(t, q, touch(3, at(300)))
	moveTo(at(300), at(300).Add(idleWait))
	wantStates(t, insp, map[int64]string{1: "pending", 2: "pending", 3: "scheduled"})

	enqueue(t, q, touch(4, at(400)))
	moveTo(at(400), at(400).Add(idleWait))
	wantStates(t, insp, map[int64]string{3: "scheduled", 4: "pending"})
}

// TestRememberAgain: a task remembered twice is promoted once, at its latest
// due.
func TestRememberAgain(t *testing.T) {
	t.Parallel()
	p := newPromoter(Config{PromoteLimit: 10}.withDefaults())
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ref := taskRef{ch: tracks.ChannelEmail, id: 7}
	p.remember(ref, start.Add(100*time.Millisecond))
	p.remember(taskRef{ch: tracks.ChannelCall, id: 7}, start.Add(200*time.Millisecond))
	p.remember(ref, start.Add(300*time.Millisecond))
	if due := p.takeDue(start.Add(299 * time.Millisecond)); len(due) != 1 || due[0].ch != tracks.ChannelCall {
		t.Fatalf("due before 300ms: %v, want the call task alone", due)
	}
	if due := p.takeDue(start.Add(time.Second)); len(due) != 1 || !due[0].due.Equal(start.Add(300*time.Millisecond)) {
		t.Fatalf("due later: %v, want the email task at 300ms", due)
	}
}

// TestPromoteOutlivesRedis: a promotion Redis refuses is logged and left to
// asynq; Promote goes on.
func TestPromoteOutlivesRedis(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vc := clock.NewVirtual(start)
	q, err := New(asynq.RedisClientOpt{Addr: "127.0.0.1:1"}, Config{Clock: vc, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- q.Promote(ctx) }()
	for i, due := range []time.Time{start.Add(time.Second), start.Add(2 * time.Second)} {
		q.promo.remember(taskRef{ch: tracks.ChannelEmail, id: int64(i + 1)}, due)
		if err := vc.BlockUntilWake(ctx, due); err != nil {
			t.Fatalf("promoter not parked on %v: %v", due, err)
		}
		vc.Set(due)
	}
	if err := vc.BlockUntilWake(ctx, start.Add(2*time.Second+idleWait)); err != nil {
		t.Fatalf("promoter not parked again after failing: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Promote = %v", err)
	}
}
