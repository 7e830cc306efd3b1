package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// TaskType is the asynq task type of a touch; its payload is the touch id in decimal.
const TaskType = "touch:run"

// Defaults for Config and ServerConfig.
const (
	DefaultPrefix   = "touches"
	DefaultMaxRetry = 10000
	DefaultTimeout  = 2 * time.Minute
	DefaultParallel = 8
)

// Name is the asynq queue that carries a channel's touches: the prefix, a
// dash and the channel ("touches-email"). Each channel has its own queue
// and its own workers, so a slow channel slows only itself.
func Name(prefix string, ch tracks.Channel) string { return prefix + "-" + string(ch) }

// Config configures a Queue. The zero value is ready to use.
type Config struct {
	// Prefix names the asynq queues touches go to, one per channel (see
	// Name). Default DefaultPrefix.
	Prefix string
	// MaxRetry is asynq's retry limit. The engine counts attempts in PostgreSQL
	// and decides when a touch fails, so this only has to be out of its way.
	// Default DefaultMaxRetry.
	MaxRetry int
	// Timeout bounds one attempt: asynq cancels the handler's context after
	// it. Keep it at most the engine's lease, so an attempt asynq still
	// considers running never outlives a claim left unrenewed (the worker
	// renews it while it lives). Default DefaultTimeout, the engine's default lease.
	Timeout time.Duration
	// Parallel is how many enqueues Enqueue keeps in flight; asynq has no batch
	// call, so a batch costs one round trip per touch. Default DefaultParallel.
	Parallel int
	// Logger records recovered conflicts. Default slog.Default().
	Logger *slog.Logger
	// Clock is the time Promote moves scheduled touches by; tests move a
	// virtual one. asynq itself keeps the wall clock. Default clock.Real.
	Clock Clock
	// PromoteLimit is how many scheduled touches the queue remembers for
	// Promote; a touch scheduled beyond it waits for asynq's whole second.
	// Default DefaultPromoteLimit.
	PromoteLimit int
}

// Clock is a clock that can wait, such as clock.Real or clock.Virtual.
type Clock interface {
	engine.Clock
	engine.Sleeper
}

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.MaxRetry <= 0 {
		c.MaxRetry = DefaultMaxRetry
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Parallel <= 0 {
		c.Parallel = DefaultParallel
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.PromoteLimit <= 0 {
		c.PromoteLimit = DefaultPromoteLimit
	}
	return c
}

// Queue hands touches to asynq. It is safe for concurrent use.
type Queue struct {
	cfg    Config
	rdb    redis.UniversalClient
	client *asynq.Client
	insp   *asynq.Inspector
	promo  *promoter
}

var _ engine.Queue = (*Queue)(nil)

// New connects a Queue to the Redis that opt names. Close releases it.
func New(opt asynq.RedisConnOpt, cfg Config) (*Queue, error) {
	cfg = cfg.withDefaults()
	if strings.TrimSpace(cfg.Prefix) != cfg.Prefix {
		return nil, fmt.Errorf("queue prefix %q: leading or trailing space", cfg.Prefix)
	}
	rdb, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, fmt.Errorf("unsupported redis option %T", opt)
	}
	return &Queue{
		cfg:    cfg,
		rdb:    rdb,
		client: asynq.NewClientFromRedisClient(rdb),
		insp:   asynq.NewInspectorFromRedisClient(rdb),
		promo:  newPromoter(cfg),
	}, nil
}

// Inspector reads the queues' state, for asynq's queue metrics.
func (q *Queue) Inspector() *asynq.Inspector { return q.insp }

// Close closes the connection to Redis.
func (q *Queue) Close() error { return q.rdb.Close() }

// Ping checks that Redis answers.
func (q *Queue) Ping(ctx context.Context) error {
	if err := q.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// Promote moves the touches this Queue scheduled from asynq's scheduled set
// to the pending list at their exact due times until ctx ends, then returns
// nil. Without it a touch waits for the whole second asynq schedules it for
// and asynq's forwarder (see the package doc). Run it once, beside the
// workers; Redis failures are logged and leave the touches to asynq.
func (q *Queue) Promote(ctx context.Context) error { return q.promo.run(ctx, q.rdb) }

// Enqueue makes sure a task exists for each touch, due at the touch's Due
// time, with the touch id as its asynq TaskID. A task that is already waiting,
// scheduled, retrying or running is left as it is; see the package doc for the
// finished and orphaned tasks it replaces. It stops at the first error; the
// touches handed over until then stay enqueued.
func (q *Queue) Enqueue(ctx context.Context, touches []engine.Touch) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan engine.Touch)
	var wg sync.WaitGroup
	for range min(q.cfg.Parallel, len(touches)) {
		wg.Go(func() {
			for t := range work {
				if err := q.enqueue(ctx, t); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, t := range touches {
		select {
		case work <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("enqueue %d touches: %w", len(touches), err)
	}
	return nil
}

// maxConflicts bounds how often one touch may meet a finished task in its way.
const maxConflicts = 3

// enqueue adds one touch's task, clearing a finished or orphaned one in its way.
func (q *Queue) enqueue(ctx context.Context, t engine.Touch) error {
	id := strconv.FormatInt(t.ID, 10)
	queue := Name(q.cfg.Prefix, t.Channel)
	task := asynq.NewTask(TaskType, []byte(id))
	for range maxConflicts {
		info, err := q.client.EnqueueContext(ctx, task,
			asynq.TaskID(id), asynq.ProcessAt(ceilSecond(t.Due)), asynq.Queue(queue),
			asynq.MaxRetry(q.cfg.MaxRetry), asynq.Timeout(q.cfg.Timeout))
		if !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
			if err != nil {
				return fmt.Errorf("touch %s: %w", id, err)
			}
			if info.State == asynq.TaskStateScheduled {
				q.promo.remember(taskRef{ch: t.Channel, id: t.ID}, t.Due)
			}
			return nil
		}
		again, err := q.resolveConflict(ctx, queue, id)
		if err != nil || !again {
			return err
		}
	}
	return fmt.Errorf("touch %s: task id still taken after %d attempts", id, maxConflicts)
}

// ceilSecond rounds t up to a whole second. asynq keeps a scheduled task's
// time in whole seconds, cutting off the rest, which would let a touch start
// up to a second before it is due. Promote starts it at its due time.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); r.Before(t) {
		return r.Add(time.Second)
	}
	return t
}
