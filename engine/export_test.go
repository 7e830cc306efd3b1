package engine

import "runtime"

// HoldClaims makes the claims workers ask for wait, as if a batch were
// running, until the returned function is called: it waits until n claims
// are waiting and lets them go, together as one batch.
func HoldClaims(e *Engine) func(n int) { return hold(e.claims) }

// HoldFinishes is HoldClaims for finishing touches.
func HoldFinishes(e *Engine) func(n int) { return hold(e.completes) }

func hold[Req, Res any](b *batcher[Req, Res]) func(n int) {
	b.mu.Lock()
	b.busy = true
	b.mu.Unlock()
	return func(n int) {
		for {
			b.mu.Lock()
			waiting := len(b.waiting)
			b.mu.Unlock()
			if waiting >= n {
				b.handOn(nil)
				return
			}
			runtime.Gosched()
		}
	}
}
