package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/queue"
)

// runServe is `dripline serve`: migrations, then the scheduler, the workers
// and the HTTP API, supervised together until a signal or a failure.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Bind(fs)
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	if err := cfg.CheckServe(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	rt, err := openRuntime(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer rt.Close()
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	fmt.Fprintf(stdout, "dripline serving on http://%s (tick %s, horizon %s, %d workers)\n", ln.Addr(), cfg.Tick, cfg.Horizon, cfg.Workers)
	return serveRuntime(ctx, rt, ln, log)
}

// serveRuntime runs the scheduler, the workers and the HTTP API on ln until
// ctx is done or one of them fails.
func serveRuntime(ctx context.Context, rt *runtime, ln net.Listener, log *slog.Logger) error {
	workers := queue.NewServer(rt.redis, queue.ServerConfig{
		Concurrency: rt.cfg.Workers, Logger: log, DelayedTaskCheckInterval: time.Second,
	}, rt.engine)
	return supervise(ctx,
		func(ctx context.Context) error { return scheduler(ctx, rt.engine, rt.cfg.Tick, log) },
		workers.Run,
		func(ctx context.Context) error { return serveHTTP(ctx, ln, rt.handler(), log) },
	)
}

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
// from Redis, and the birthday events (checked hourly, sent once a day). A job still running when its next
// turn comes is skipped, and a panic in one is logged, not fatal.
func scheduler(ctx context.Context, eng *engine.Engine, tick time.Duration, log *slog.Logger) error {
	cl := cronLogger{log}
	c := cron.New(cron.WithLogger(cl), cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)))
	jobs := []struct {
		spec string
		name string
		run  func(context.Context) (int, error)
	}{
		{fmt.Sprintf("@every %s", tick), "tick", eng.Tick},
		{"@every 1m", "reconcile", eng.Reconcile},
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

// cronLogger lets robfig/cron log through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// serveHTTP serves the API until ctx is done, then shuts down gracefully.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Error("http shutdown", "err", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", err)
	}
	return nil
}
