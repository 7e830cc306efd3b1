package main

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/redistest"
)

// waitStop is a loop that runs until told to stop and records that it was.
func waitStop(stopped *atomic.Int32) func(context.Context) error {
	return func(ctx context.Context) error {
		<-ctx.Done()
		stopped.Add(1)
		return nil
	}
}

func TestSuperviseStopsEveryLoopWhenOneFails(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var stopped atomic.Int32
	err := supervise(context.Background(), waitStop(&stopped), func(context.Context) error { return boom }, waitStop(&stopped))
	if !errors.Is(err, boom) || stopped.Load() != 2 {
		t.Errorf("supervise = %v with %d loops stopped, want boom and both others stopped", err, stopped.Load())
	}
}

func TestSuperviseStopsEveryLoopWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stopped atomic.Int32
	if err := supervise(ctx, waitStop(&stopped), waitStop(&stopped)); err != nil || stopped.Load() != 2 {
		t.Errorf("supervise = %v with %d loops stopped, want nil and both stopped", err, stopped.Load())
	}
}

// A daemon whose HTTP listener fails stops its scheduler and workers too:
// Run returns the failure instead of running on without an API.
func TestServeStopsWhenAPartFails(t *testing.T) {
	t.Parallel()
	_, redisURL := redistest.New(t)
	cfg := serveConfig(t, "--database-url", pgtest.URL(t), "--redis-url", redisURL,
		"--mail-dir", t.TempDir(), "--http-addr", "127.0.0.1:0")
	srv, err := NewServer(context.Background(), cfg, ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv.ln.Close()
	if err := srv.Run(context.Background()); err == nil || !strings.HasPrefix(err.Error(), "http: ") {
		t.Errorf("Run with a closed listener = %v, want the HTTP server's failure", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
