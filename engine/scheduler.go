package engine

import (
	"context"
	"fmt"
	"time"
)

// Tick hands every touch due within the horizon to the queue, in batches, and
// returns how many it queued. Several daemons may tick at once: the store gives
// each touch to one of them. A touch the queue did not take stays queued in
// the store and Reconcile hands it over again.
func (e *Engine) Tick(ctx context.Context) (int, error) {
	n, err := e.drain(ctx, func(now time.Time) ([]Touch, error) {
		return e.cfg.Store.QueueDue(ctx, now, now.Add(e.cfg.Horizon), e.cfg.BatchSize)
	})
	if err != nil {
		return n, fmt.Errorf("tick: %w", err)
	}
	return n, nil
}

// Reconcile hands the queue again every touch that should be there but may not
// be: queued ones well past due (Redis was flushed or restarted) and running
// ones whose worker's lease ran out. Enqueueing a touch the queue still holds
// changes nothing, so nothing runs twice and nothing is lost.
func (e *Engine) Reconcile(ctx context.Context) (int, error) {
	n, err := e.drain(ctx, func(now time.Time) ([]Touch, error) {
		return e.cfg.Store.Requeue(ctx, now.Add(-e.cfg.StaleQueued), now, e.cfg.BatchSize)
	})
	if err != nil {
		return n, fmt.Errorf("reconcile: %w", err)
	}
	return n, nil
}

// drain enqueues the batches next returns until one is short, and counts them.
func (e *Engine) drain(ctx context.Context, next func(now time.Time) ([]Touch, error)) (int, error) {
	if e.cfg.Queue == nil {
		return 0, fmt.Errorf("no queue configured")
	}
	total := 0
	for {
		batch, err := next(e.now())
		if err != nil || len(batch) == 0 {
			return total, err
		}
		if err := e.cfg.Queue.Enqueue(ctx, batch); err != nil {
			return total, fmt.Errorf("enqueue %d touches: %w", len(batch), err)
		}
		total += len(batch)
		if len(batch) < e.cfg.BatchSize {
			return total, nil
		}
	}
}
