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
	fmt.Fprintf(stdout, "dripline serving on %s (tick %s, horizon %s, %d workers)\n", srv.URL(), cfg.Tick, cfg.Horizon, cfg.Workers)
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
	rt  *runtime
	ln  net.Listener
	log *slog.Logger
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
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	return &Server{rt: rt, ln: ln, log: opts.Logger}, nil
}

// Addr is the address the HTTP API listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL is the base URL of the HTTP API.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Run runs the scheduler, the workers and the HTTP API until ctx is done or
// one of them fails; then it stops the others, waits for them and returns
// the first failure (nil after ctx ended). Run once.
func (s *Server) Run(ctx context.Context) error {
	cfg := s.rt.cfg
	workers := queue.NewServer(s.rt.redis, queue.ServerConfig{
		Concurrency: cfg.Workers, Logger: s.log, DelayedTaskCheckInterval: time.Second,
	}, s.rt.engine)
	return supervise(ctx,
		func(ctx context.Context) error { return scheduler(ctx, s.rt.engine, cfg.Tick, s.log) },
		workers.Run,
		func(ctx context.Context) error { return serveHTTP(ctx, s.ln, s.rt.handler(), s.log) },
	)
}

// Close releases the listener and every connection of the server. Call it
// after Run has returned, or instead of Run.
func (s *Server) Close() error {
	err := s.ln.Close()
	if errors.Is(err, net.ErrClosed) { // Run's HTTP server closed it
		err = nil
	}
	return errors.Join(err, s.rt.Close())
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
