package queue

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/dripline/dripline/tracks"
	"github.com/redis/go-redis/v9"
)

// DefaultPromoteLimit is how many scheduled touches a Queue remembers for
// promotion by default (see Config.PromoteLimit): five minutes (the default
// horizon) at 1000 touches a second, about 45 MB at most.
const DefaultPromoteLimit = 300_000

// promoteBatch bounds how many tasks one promotion script moves, so a burst
// of touches due at once does not hold Redis for long.
const promoteBatch = 500

// idleWait is how long the promoter sleeps with nothing to promote; a new
// touch wakes it sooner.
const idleWait = time.Hour

// taskRef names one touch task: its channel (hence its queue) and touch id.
type taskRef struct {
	ch tracks.Channel
	id int64
}

// dueTask is a scheduled task the promoter will move at due.
type dueTask struct {
	taskRef
	due   time.Time
	index int // in the heap
}

// dueHeap orders the remembered tasks, earliest due first.
type dueHeap []*dueTask

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *dueHeap) Push(x any) {
	t := x.(*dueTask)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *dueHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return t
}

// promoter remembers the tasks a Queue scheduled and, while Promote runs,
// moves each from asynq's scheduled set to its pending list at the touch's
// exact due time, instead of at the whole second asynq keeps plus its
// forwarder's interval. It is safe for concurrent use.
type promoter struct {
	clock  Clock
	limit  int
	prefix string
	log    *slog.Logger

	mu        sync.Mutex
	heap      dueHeap
	byRef     map[taskRef]*dueTask
	full      bool               // the last remember found no room (logged once)
	interrupt context.CancelFunc // ends the promoter's current sleep; nil when awake
}

func newPromoter(cfg Config) *promoter {
	return &promoter{clock: cfg.Clock, limit: cfg.PromoteLimit, prefix: cfg.Prefix, log: cfg.Logger,
		byRef: map[taskRef]*dueTask{}}
}

// remember notes that the task for ref is scheduled in asynq for the whole
// second after due, to be promoted at due. A task remembered again (it was
// deleted and scheduled anew) is promoted at its latest due only. When
// limit tasks are remembered already the task is not: asynq forwards it at
// its second.
func (p *promoter) remember(ref taskRef, due time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.byRef[ref]; ok {
		t.due = due
		heap.Fix(&p.heap, t.index)
	} else {
		if len(p.heap) >= p.limit {
			if !p.full {
				p.log.Warn("queue: promoter full; touches wait for asynq's whole second", "limit", p.limit)
			}
			p.full = true
			return
		}
		p.full = false
		t := &dueTask{taskRef: ref, due: due}
		heap.Push(&p.heap, t)
		p.byRef[ref] = t
	}
	if p.heap[0].due.Equal(due) {
		p.wakeLocked() // the earliest due changed: sleep again, shorter
	}
}

// run promotes the remembered tasks as they come due until ctx ends. A
// failure to reach Redis is logged (once until promoting works again) and
// the tasks it concerned are left to asynq's forwarder.
func (p *promoter) run(ctx context.Context, rdb redis.UniversalClient) error {
	failing := false
	for {
		sleep, wait := p.park(ctx)
		err := p.clock.Sleep(sleep, wait)
		p.wake()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			continue // a new touch came due sooner
		}
		now := p.clock.Now()
		for due := p.takeDue(now); len(due) > 0; due = p.takeDue(now) {
			err := p.promote(ctx, rdb, now, due)
			switch {
			case err != nil && !failing:
				p.log.Warn("queue: promote due touches; asynq forwards them at their second", "err", err)
			case err == nil && failing:
				p.log.Info("queue: promoting due touches again")
			}
			failing = err != nil
		}
	}
}

// park returns how long the promoter may sleep, until the earliest
// remembered due, and the context to sleep with: remember cancels it when
// a task due sooner arrives.
func (p *promoter) park(ctx context.Context) (context.Context, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	sleep, interrupt := context.WithCancel(ctx)
	p.interrupt = interrupt
	if len(p.heap) == 0 {
		return sleep, idleWait
	}
	return sleep, p.heap[0].due.Sub(p.clock.Now())
}

// wake ends the promoter's sleep, if it sleeps.
func (p *promoter) wake() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wakeLocked()
}

// wakeLocked is wake with p.mu held.
func (p *promoter) wakeLocked() {
	if p.interrupt != nil {
		p.interrupt()
		p.interrupt = nil
	}
}

// takeDue forgets and returns the remembered tasks due at or before now,
// earliest first, at most promoteBatch.
func (p *promoter) takeDue(now time.Time) []*dueTask {
	p.mu.Lock()
	defer p.mu.Unlock()
	var due []*dueTask
	for len(p.heap) > 0 && len(due) < promoteBatch && !p.heap[0].due.After(now) {
		t := heap.Pop(&p.heap).(*dueTask)
		delete(p.byRef, t.taskRef)
		due = append(due, t)
	}
	return due
}

// promoteScript moves scheduled touch tasks to their queue's pending list, as
// asynq's forwarder does (state pending, pending_since now), but only a task
// still in the scheduled set for the second the queue gave it: one already
// forwarded, running, retrying, archived, deleted or scheduled anew for
// another second is left alone. Tasks are pushed in the order given, so the
// earliest due is dequeued first.
//
// KEYS[1] scheduled zset, KEYS[2] pending list; ARGV[1] task key prefix,
// ARGV[2] now in Unix nanoseconds, then pairs of task id and the Unix second
// it was scheduled for. Returns how many tasks it moved.
var promoteScript = redis.NewScript(`
local moved = 0
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if tonumber(redis.call("ZSCORE", KEYS[1], id)) == tonumber(ARGV[i+1]) then
    redis.call("ZREM", KEYS[1], id)
    redis.call("LPUSH", KEYS[2], id)
    redis.call("HSET", ARGV[1] .. id, "state", "pending", "pending_since", ARGV[2])
    moved = moved + 1
  end
end
return moved
`)

// promote runs promoteScript on the due tasks, once per queue. It relies on
// asynq v0.26's key layout: asynq:{queue}:t:<id>, :scheduled and :pending.
func (p *promoter) promote(ctx context.Context, rdb redis.UniversalClient, now time.Time, due []*dueTask) error {
	args := map[tracks.Channel][]any{}
	for _, t := range due {
		args[t.ch] = append(args[t.ch], strconv.FormatInt(t.id, 10), ceilSecond(t.due).Unix())
	}
	var errs []error
	for ch, pairs := range args {
		prefix := "asynq:{" + Name(p.prefix, ch) + "}:"
		keys := []string{prefix + "scheduled", prefix + "pending"}
		argv := append([]any{prefix + "t:", now.UnixNano()}, pairs...)
		if err := promoteScript.Run(ctx, rdb, keys, argv...).Err(); err != nil {
			errs = append(errs, fmt.Errorf("promote %d touches of %s: %w", len(pairs)/2, ch, err))
		}
	}
	return errors.Join(errs...)
}
