package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dripline/dripline/engine"
)

// supervise runs loops together: when ctx is done or any loop returns, the
// others are told to stop, and supervise waits for all of them. It returns the
// first error.
func supervise(ctx context.Context, loops ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(loops))
	for _, loop := range loops {
		go func() { errs <- loop(ctx) }()
	}
	var first error
	for range loops {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
		cancel()
	}
	return first
}

// scheduler runs the engine's periodic jobs with robfig/cron: the tick that
// hands due touches to the queue, the reconciler that re-enqueues touches lost
// from Redis, and the birthday events (checked hourly, sent once a day). A job
// still running when its next turn comes is skipped, and a panic in one is
// logged, not fatal.
func scheduler(ctx context.Context, eng *engine.Engine, sched schedule, log *slog.Logger) error {
	cl := cronLogger{log}
	c := cron.New(cron.WithLogger(cl), cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)))
	jobs := []struct {
		spec string
		name string
		run  func(context.Context) (int, error)
	}{
		{fmt.Sprintf("@every %s", sched.tick), "tick", sched.timed(eng.Tick)},
		{fmt.Sprintf("@every %s", sched.reconcile), "reconcile", eng.Reconcile},
		{"@hourly", "birthdays", eng.Birthdays},
	}
	for _, j := range jobs {
		if _, err := c.AddFunc(j.spec, func() {
			n, err := j.run(ctx)
			if err != nil {
				log.Error(j.name+" failed", "err", err)
			} else if n > 0 {
				log.Info(j.name, "touches", n)
			}
		}); err != nil {
			return fmt.Errorf("schedule %s: %w", j.name, err)
		}
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// schedule is how often the scheduler's jobs run.
type schedule struct {
	tick, reconcile time.Duration
	observeTick     func(time.Duration) // hears each tick's duration; nil: nobody
}

// timed wraps the tick so observeTick hears how long each took.
func (s schedule) timed(tick func(context.Context) (int, error)) func(context.Context) (int, error) {
	if s.observeTick == nil {
		return tick
	}
	return func(ctx context.Context) (int, error) {
		start := time.Now()
		defer func() { s.observeTick(time.Since(start)) }()
		return tick(ctx)
	}
}

// cronLogger lets robfig/cron log through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
