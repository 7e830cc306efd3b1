package clock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
)

var _ engine.Sleeper = (*clock.Virtual)(nil)

// TestVirtualSleep: a sleeper wakes when the clock is moved past its time,
// not before; one whose context ends stops waiting and is no longer counted.
func TestVirtualSleep(t *testing.T) {
	c := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	woke := make(chan error, 1)
	go func() { woke <- c.Sleep(t.Context(), time.Minute) }()
	if err := c.BlockUntil(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	c.Advance(59 * time.Second)
	select {
	case err := <-woke:
		t.Fatalf("woke after 59s of a minute: %v", err)
	default:
	}
	c.Advance(time.Second)
	if err := <-woke; err != nil {
		t.Fatalf("Sleep = %v", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	go func() { woke <- c.Sleep(ctx, time.Hour) }()
	if err := c.BlockUntil(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-woke; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled Sleep = %v", err)
	}
	short, stop := context.WithTimeout(t.Context(), 0)
	defer stop()
	if err := c.BlockUntil(short, 1); err == nil {
		t.Fatal("a canceled sleeper is still counted")
	}
}
