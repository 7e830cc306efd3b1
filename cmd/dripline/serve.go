package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/queue"
)

// runServe is `dripline serve`: migrations, then the scheduler, the workers
// and the HTTP API, supervised together until a signal or a failure.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("serve", "[flags]", "Migrate the database, then run the scheduler, the workers and the HTTP API\nuntil interrupted.", stdout, stderr)
	cfg := config.Bind(f.FlagSet)
	if _, err := f.parse(args); err != nil {
		return err
	}
	if err := cfg.CheckServe(); err != nil {
		return err
	}
	srv, err := NewServer(ctx, cfg, ServerOptions{Logger: slog.New(slog.NewTextHandler(stderr, nil))})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "dripline serving on %s (tick %s, horizon %s, %d workers, lease %s)\n", srv.URL(), cfg.Tick, cfg.Horizon, cfg.Workers(), cfg.Lease)
	return srv.Run(ctx)
}

// ServerOptions are what a Server takes besides the settings. The zero value
// is the daemon's: the wall clock and a discarding logger.
type ServerOptions struct {
	Logger *slog.Logger
	// Clock is the engine's and the CRM's time; tests move a virtual one. The
	// scheduler's ticks and the queue's delays still follow the wall clock.
	Clock engine.Clock
}

// Server is the daemon `dripline serve` runs: the scheduler's periodic jobs,
// the asynq workers and the HTTP API over one runtime. NewServer connects,
// migrates and binds the HTTP address (":0" picks a free port, see Addr);
// Run works until its context ends or a part fails; Close releases what
// NewServer took.
type Server struct {
	rt        *runtime
	ln        net.Listener
	metricsLn net.Listener // nil: /metrics is served on ln
	log       *slog.Logger
}

// NewServer opens the daemon's runtime on cfg (creating and migrating the
// database, connecting to Redis and the mail server) and listens on
// cfg.HTTPAddr.
func NewServer(ctx context.Context, cfg *config.Config, opts ServerOptions) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	rt, err := openRuntime(ctx, cfg, runtimeOptions{access: daemon, log: opts.Logger, clock: opts.Clock})
	if err != nil {
		return nil, err
	}
	checkSMTP(ctx, rt.sender, opts.Logger)
	s := &Server{rt: rt, log: opts.Logger}
	if s.ln, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
		rt.Close()
		return nil, fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	if cfg.MetricsAddr != "" {
		if s.metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			s.Close()
			return nil, fmt.Errorf("listen %s for metrics: %w", cfg.MetricsAddr, err)
		}
	}
	return s, nil
}

// Addr is the address the HTTP API listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL is the base URL of the HTTP API.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Run runs the scheduler, the workers, the queue's promoter and the HTTP
// API until ctx is done or one of them fails; then it stops the others,
// waits for them and returns the first failure (nil after ctx ended). Run
// once.
func (s *Server) Run(ctx context.Context) error {
	cfg := s.rt.cfg
	workers := queue.NewServer(s.rt.redis, queue.ServerConfig{
		Concurrency: cfg.Concurrency, Logger: s.log,
		DelayedTaskCheckInterval: pickupInterval, TaskCheckInterval: idleCheckInterval,
	}, s.rt.engine)
	loops := []func(context.Context) error{
		func(ctx context.Context) error { return scheduler(ctx, s.rt.engine, s.schedule(), s.log) },
		workers.Run,
		s.rt.queue.Promote,
		func(ctx context.Context) error { return serveHTTP(ctx, s.ln, s.rt.handler(), s.log) },
	}
	if s.metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.rt.metrics.Handler())
		loops = append(loops, func(ctx context.Context) error { return serveHTTP(ctx, s.metricsLn, mux, s.log) })
	}
	return supervise(ctx, loops...)
}

// How often asynq looks for work. pickupInterval: asynq's forwarder moves
// touches that came due to the workers. The queue's promoter (Queue.Promote)
// moves the touches this daemon scheduled at their exact due time; the
// forwarder is the safety net for the rest (those scheduled by a daemon that
// has stopped, or beyond the promoter's limit), which start within a second
// plus this of being due, as asynq schedules whole seconds, rounding up.
// idleCheckInterval: a channel whose queue was empty looks again (asynq's
// processor sleeps between half and one and a half times this, 1s by
// default, before its next look).
const (
	pickupInterval    = 200 * time.Millisecond
	idleCheckInterval = 50 * time.Millisecond
)

// schedule is when the scheduler's jobs run, and where ticks are timed.
func (s *Server) schedule() schedule {
	cfg := s.rt.cfg
	return schedule{tick: cfg.Tick, reconcile: cfg.Reconcile, observeTick: s.rt.metrics.ObserveTick}
}

// MetricsAddr is the address /metrics is served on by itself, or nil when
// it is served on Addr.
func (s *Server) MetricsAddr() net.Addr {
	if s.metricsLn == nil {
		return nil
	}
	return s.metricsLn.Addr()
}

// Close releases the listener and every connection of the server. Call it
// after Run has returned, or instead of Run.
func (s *Server) Close() error {
	errs := []error{s.rt.Close()}
	for _, ln := range []net.Listener{s.ln, s.metricsLn} {
		if ln == nil {
			continue
		}
		if err := ln.Close(); !errors.Is(err, net.ErrClosed) { // Run's HTTP server closed it
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
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
