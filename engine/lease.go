package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dripline/dripline/internal/clock"
)

// Sleeper is a Clock that can also wait. The engine waits through it (lease
// renewals, retry backoff) so a virtual clock moves those waits too; a Clock
// that is not a Sleeper waits on the wall clock.
type Sleeper interface {
	// Sleep returns after d has passed on the clock, or with ctx's error
	// when ctx ends first.
	Sleep(ctx context.Context, d time.Duration) error
}

// sleep waits d on the engine's clock.
func (e *Engine) sleep(ctx context.Context, d time.Duration) error {
	if s, ok := e.cfg.Clock.(Sleeper); ok {
		return s.Sleep(ctx, d)
	}
	return clock.Real{}.Sleep(ctx, d)
}

// lease is a claim being held: a goroutine renews it every third of the
// lease until stop, so a delivery that outlives one lease (a slow SMTP
// server, the rate limiter) or whose outcome waits for a busy database is
// never handed to another worker.
type lease struct {
	stopped chan struct{}      // nil when nothing renews the claim
	cancel  context.CancelFunc // likewise

	mu        sync.Mutex
	until     time.Time // when the claim runs out unless renewed again
	finishing bool      // the outcome is being recorded: the claim will end
}

// hold starts renewing the claim on t until the returned lease is stopped;
// a simulation's engine holds it without renewing (Config.Simulated).
func (e *Engine) hold(ctx context.Context, t Touch) *lease {
	l := &lease{until: t.LeaseUntil}
	if e.cfg.Simulated {
		return l
	}
	ctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	l.stopped = make(chan struct{})
	go func() {
		defer close(l.stopped)
		for e.sleep(ctx, e.cfg.Lease/3) == nil {
			if !e.renew(ctx, t, l) {
				return
			}
		}
	}()
	return l
}

// renew extends the claim once and reports whether to keep renewing. A
// failed renewal is tried again at the next beat; a claim found gone stops.
func (e *Engine) renew(ctx context.Context, t Touch, l *lease) bool {
	until := e.now().Add(e.cfg.Lease)
	ok, err := e.cfg.Store.RenewLease(ctx, t.ID, t.Attempts, until)
	switch {
	case err != nil && ctx.Err() == nil:
		e.log.Warn("renew lease", ids(t, "attempt", t.Attempts, "err", err)...)
	case err == nil && !ok:
		l.mu.Lock()
		finishing := l.finishing
		l.mu.Unlock()
		if !finishing { // else it ended by its own outcome, or finishing says it was lost
			e.log.Info("touch ended or was claimed again while being carried out", ids(t, "attempt", t.Attempts)...)
		}
		return false
	case err == nil:
		l.mu.Lock()
		l.until = until
		l.mu.Unlock()
	}
	return ctx.Err() == nil
}

// finish says the outcome is about to be recorded, which ends the claim.
// The renewals go on until stop, so an outcome that waits for a busy
// database keeps its claim.
func (l *lease) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.finishing = true
}

// current returns when the claim runs out unless renewed again.
func (l *lease) current() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.until
}

// stop ends the renewals and waits for the goroutine.
func (l *lease) stop() {
	if l.cancel != nil {
		l.cancel()
		<-l.stopped
	}
}

// Backoff of a finishing transaction that failed for a transient reason.
const (
	finishRetryFirst = 100 * time.Millisecond
	finishRetryMax   = 5 * time.Second
)

// commit runs a finishing transaction, retrying with backoff while its
// failure is transient (a dropped connection, a restarting server, a
// serialization failure) and the claim still holds: the touch has been
// carried out, and a finish given up now means it goes out again once the
// lease runs out.
func (e *Engine) commit(ctx context.Context, j *job, fn func(Tx) error) error {
	ctx = context.WithoutCancel(ctx) // what went out must be recorded, even on shutdown
	wait := finishRetryFirst
	for {
		err := e.tryCommit(ctx, j.leaseUntil(), fn)
		if err == nil || !errors.Is(err, ErrTransient) {
			return err
		}
		if left := j.leaseUntil().Sub(e.now()); left < wait {
			return fmt.Errorf("claim ran out while retrying: %w", err)
		}
		e.log.Warn("finish touch: database failed, retrying", ids(j.touch, "attempt", j.touch.Attempts, "in", wait, "err", err)...)
		if err := e.sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, finishRetryMax)
	}
}

// tryCommit runs a finishing transaction once, given until the claim runs
// out (at least finishRetryMax) so a database that stopped answering cannot
// hold the worker for ever.
func (e *Engine) tryCommit(ctx context.Context, until time.Time, fn func(Tx) error) error {
	if !e.cfg.Simulated { // a simulation's clock stands still while a touch runs: no bound could be reached
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, max(until.Sub(e.now()), finishRetryMax))
		defer cancel()
	}
	return e.cfg.Store.Tx(ctx, fn)
}
