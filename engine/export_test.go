package engine

import (
	"runtime"
	"testing"
	"time"
)

// holdGuard bounds how long a release waits for its requests: a bug that
// sends them around the batcher fails the test instead of hanging it.
const holdGuard = 20 * time.Second

// HoldClaims makes the claims workers ask for wait, as if a batch were
// running, until the returned function is called: it waits until n claims
// are waiting and lets them go, together as one batch.
func HoldClaims(t testing.TB, e *Engine) func(n int) { return hold(t, e.claims) }

// HoldFinishes is HoldClaims for finishing touches.
func HoldFinishes(t testing.TB, e *Engine) func(n int) { return hold(t, e.completes) }

func hold[Req, Res any](t testing.TB, b *batcher[Req, Res]) func(n int) {
	b.mu.Lock()
	b.busy = true
	b.mu.Unlock()
	return func(n int) {
		t.Helper()
		deadline := time.Now().Add(holdGuard)
		for {
			b.mu.Lock()
			waiting := len(b.waiting)
			b.mu.Unlock()
			if waiting >= n {
				b.handOn(nil)
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %v only %d of %d requests reached the batch", holdGuard, waiting, n)
			}
			runtime.Gosched()
		}
	}
}
