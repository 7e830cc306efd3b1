// Package clock provides the engine's clocks: the wall clock for the daemon
// and a virtual clock that simulate and tests move by hand.
package clock

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Real is the wall clock.
type Real struct{}

// Now returns the current time.
func (Real) Now() time.Time { return time.Now() }

// Sleep returns after d (at once when d ≤ 0), or with ctx's error when ctx
// ends first.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Virtual is a clock that only moves when told to. Its zero value reads the
// zero time; it is safe for concurrent use.
type Virtual struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*waiter
	changed chan struct{} // closed and replaced whenever waiters change
}

// waiter is one pending Sleep.
type waiter struct {
	at time.Time
	ch chan struct{} // closed when the clock reaches at
}

// NewVirtual returns a virtual clock set to t.
func NewVirtual(t time.Time) *Virtual { return &Virtual{now: t} }

// Now returns the clock's time.
func (c *Virtual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t, firing the waits that come due.
func (c *Virtual) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	c.fire()
}

// Advance moves the clock forward by d, firing the waits that come due.
func (c *Virtual) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fire()
}

// Sleep returns once the clock has been moved d or more past its time now
// (at once when d ≤ 0), or with ctx's error when ctx ends first.
func (c *Virtual) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	w := &waiter{at: c.now.Add(d), ch: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	c.notify()
	c.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.drop(w)
		c.mu.Unlock()
		return ctx.Err()
	}
}

// BlockUntil waits until n Sleep calls are pending on the clock, so a
// test knows the goroutines it moves the clock for are parked on it. It
// returns ctx's error when ctx ends first.
func (c *Virtual) BlockUntil(ctx context.Context, n int) error {
	return c.blockUntil(ctx, func() bool { return len(c.waiters) >= n })
}

// blockUntil waits until ready, called with c.mu held, holds.
func (c *Virtual) blockUntil(ctx context.Context, ready func() bool) error {
	for {
		c.mu.Lock()
		if ready() {
			c.mu.Unlock()
			return nil
		}
		if c.changed == nil {
			c.changed = make(chan struct{})
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// BlockUntilWakeAt waits until a Sleep is pending that wakes at exactly at,
// so a test knows a goroutine has parked on that time and not on one left
// from before. It returns ctx's error when ctx ends first.
func (c *Virtual) BlockUntilWakeAt(ctx context.Context, at time.Time) error {
	return c.blockUntil(ctx, func() bool {
		return slices.ContainsFunc(c.waiters, func(w *waiter) bool { return w.at.Equal(at) })
	})
}

// BlockUntilWake waits until a Sleep is pending that wakes at or before at,
// so a test knows a goroutine has parked on that time and not a later one.
// It returns ctx's error when ctx ends first.
func (c *Virtual) BlockUntilWake(ctx context.Context, at time.Time) error {
	return c.blockUntil(ctx, func() bool {
		return slices.ContainsFunc(c.waiters, func(w *waiter) bool { return !w.at.After(at) })
	})
}

// fire wakes the sleepers that are due. c.mu is held.
func (c *Virtual) fire() {
	for _, w := range slices.Clone(c.waiters) {
		if !w.at.After(c.now) {
			close(w.ch)
			c.drop(w)
		}
	}
}

// drop forgets a sleeper. c.mu is held.
func (c *Virtual) drop(w *waiter) {
	if i := slices.Index(c.waiters, w); i >= 0 {
		c.waiters = slices.Delete(c.waiters, i, i+1)
		c.notify()
	}
}

// notify wakes BlockUntil callers. c.mu is held.
func (c *Virtual) notify() {
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}
