package queue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Processor carries out one touch; the engine's worker implements it. A
// duplicate delivery of the same touch is the Processor's to detect (the
// engine's claim does it). An error marked engine.Permanent ends the task; any
// other error is retried with backoff.
type Processor interface {
	Process(ctx context.Context, touchID int64) error
}

// DefaultConcurrency is how many touches of a channel run at once when
// ServerConfig.Concurrency does not name the channel.
const DefaultConcurrency = 4

// Defaults for ServerConfig.
const (
	DefaultShutdownTimeout = 30 * time.Second
	DefaultRetryBase       = 10 * time.Second
	DefaultRetryMax        = 10 * time.Minute
)

// ServerConfig configures a Server. The zero value is ready to use.
type ServerConfig struct {
	// Concurrency is how many touches of each channel run at once; a channel
	// left out runs DefaultConcurrency. Every channel registered in
	// tracks.Channels has its own queue (see Name) and its own workers.
	Concurrency map[tracks.Channel]int
	// Prefix names the queues to work, as in Config. Default DefaultPrefix.
	Prefix string
	// ShutdownTimeout is how long Run lets running touches finish once its
	// context is done; then their contexts are canceled and asynq puts them back
	// in the queue. Default DefaultShutdownTimeout (asynq's own is 8s).
	ShutdownTimeout time.Duration
	// Logger receives asynq's log and task failures. Default slog.Default().
	Logger *slog.Logger
	// RetryBase and RetryMax shape the backoff after a failed attempt: attempt n
	// (0 for the first failure) waits between half and all of
	// min(RetryBase·2ⁿ, RetryMax), the rest chosen at random so retries after an
	// outage spread out. Defaults DefaultRetryBase and DefaultRetryMax.
	RetryBase, RetryMax time.Duration
	// TaskCheckInterval is how often an idle server looks for due tasks.
	// Zero means asynq's default of 1s.
	TaskCheckInterval time.Duration
	// DelayedTaskCheckInterval is how often scheduled and retrying tasks that
	// have come due are moved to the pending list, so a touch may start up to
	// this long after its due time. Zero means asynq's default of 5s.
	DelayedTaskCheckInterval time.Duration
}

func (c ServerConfig) withDefaults() ServerConfig {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.RetryBase <= 0 {
		c.RetryBase = DefaultRetryBase
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultRetryMax
	}
	return c
}

// Server runs touch tasks from the channels' queues through a Processor.
type Server struct {
	opt asynq.RedisConnOpt
	cfg ServerConfig
	p   Processor
}

// NewServer returns a Server that works the channels' queues on the Redis
// that redisOpt names. Nothing connects until Run.
func NewServer(redisOpt asynq.RedisConnOpt, cfg ServerConfig, p Processor) *Server {
	return &Server{opt: redisOpt, cfg: cfg.withDefaults(), p: p}
}

// Run processes touches until ctx is done, then shuts down gracefully and
// returns nil. It returns an error at once when Redis does not answer or the
// asynq server cannot start. Touches run with contexts that keep ctx's values
// but not its cancellation, so a shutdown gives them ShutdownTimeout to finish.
func (s *Server) Run(ctx context.Context) error {
	rdb, ok := s.opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return fmt.Errorf("queue server: unsupported redis option %T", s.opt)
	}
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("queue server: ping redis: %w", err)
	}
	mux := asynq.NewServeMux()
	mux.HandleFunc(TaskType, s.handle)
	var started []*asynq.Server
	defer func() { shutdown(started) }()
	for _, spec := range tracks.Channels() {
		srv := asynq.NewServerFromRedisClient(rdb, s.asynqConfig(ctx, spec.Name))
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("queue server %s: %w", Name(s.cfg.Prefix, spec.Name), err)
		}
		started = append(started, srv)
	}
	<-ctx.Done()
	return nil
}

// shutdown stops the servers together, each letting its running touches
// finish within the shutdown timeout.
func shutdown(servers []*asynq.Server) {
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Go(srv.Shutdown)
	}
	wg.Wait()
}

// asynqConfig configures the asynq server that works one channel's queue.
func (s *Server) asynqConfig(ctx context.Context, ch tracks.Channel) asynq.Config {
	log := s.cfg.Logger.With("channel", string(ch))
	return asynq.Config{
		Concurrency:              cmp.Or(s.cfg.Concurrency[ch], DefaultConcurrency),
		BaseContext:              func() context.Context { return context.WithoutCancel(ctx) },
		Queues:                   map[string]int{Name(s.cfg.Prefix, ch): 1},
		RetryDelayFunc:           backoff(s.cfg.RetryBase, s.cfg.RetryMax),
		ShutdownTimeout:          s.cfg.ShutdownTimeout,
		TaskCheckInterval:        s.cfg.TaskCheckInterval,
		DelayedTaskCheckInterval: s.cfg.DelayedTaskCheckInterval,
		Logger:                   slogAdapter{log.With("component", "asynq")},
		LogLevel:                 asynq.DebugLevel, // the slog handler filters
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			retried, _ := asynq.GetRetryCount(ctx)
			log.WarnContext(ctx, "queue: touch attempt failed", "payload", string(t.Payload()),
				"retried", retried, "err", err)
		}),
		HealthCheckFunc: func(err error) {
			if err != nil {
				log.Error("queue: redis health check failed", "err", err)
			}
		},
	}
}

// handle runs one touch task.
func (s *Server) handle(ctx context.Context, t *asynq.Task) error {
	id, err := parseTouchID(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	if err := s.p.Process(ctx, id); err != nil {
		if engine.IsPermanent(err) {
			return fmt.Errorf("touch %d: %w: %w", id, err, asynq.SkipRetry)
		}
		if engine.IsDeferred(err) {
			return fmt.Errorf("touch %d %s: %w", id, deferredMark, err)
		}
		return fmt.Errorf("touch %d: %w", id, err)
	}
	return nil
}

// parseTouchID reads a task payload: a positive touch id in decimal.
func parseTouchID(p []byte) (int64, error) {
	id, err := strconv.ParseInt(string(p), 10, 64)
	if err != nil || id <= 0 || p[0] == '+' {
		const show = 40
		if len(p) > show {
			p = p[:show]
		}
		return 0, fmt.Errorf("bad touch payload %q: want a positive decimal touch id", p)
	}
	return id, nil
}

// backoff returns asynq's retry delay: "equal jitter" exponential backoff
// capped at ceiling (see ServerConfig.RetryBase); a touch that was not due
// yet (engine.NotDueError) runs again at its due time instead.
func backoff(base, ceiling time.Duration) asynq.RetryDelayFunc {
	return func(n int, err error, _ *asynq.Task) time.Duration {
		if nd, ok := errors.AsType[*engine.NotDueError](err); ok {
			return max(time.Until(nd.Due), 0)
		}
		d := base
		for i := 0; i < n && d < ceiling; i++ {
			d *= 2
		}
		d = min(d, ceiling)
		half := d / 2
		return d - half + rand.N(half+1)
	}
}

// slogAdapter lets asynq log through slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }

// Fatal logs at error level and leaves exiting to the caller; asynq v0.26
// never calls it.
func (a slogAdapter) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...), "fatal", true) }
