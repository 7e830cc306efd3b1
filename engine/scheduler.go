package engine

import (
	"context"
	"fmt"
)

// Tick hands every touch due within the horizon to the queue, in batches, and
// returns how many it queued. Several daemons may tick at once: the store gives
// each touch to one of them. A touch the queue did not take stays queued in
// the store and Reconcile hands it over again.
func (e *Engine) Tick(ctx context.Context) (int, error) {
	if e.cfg.Queue == nil {
		return 0, fmt.Errorf("tick: no queue configured")
	}
	total := 0
	for {
		now := e.now()
		batch, err := e.cfg.Store.QueueDue(ctx, now, now.Add(e.cfg.Horizon), e.cfg.BatchSize)
		if err != nil {
			return total, fmt.Errorf("tick: %w", err)
		}
		if len(batch) == 0 {
			return total, nil
		}
		if err := e.cfg.Queue.Enqueue(ctx, batch); err != nil {
			return total, fmt.Errorf("tick: enqueue %d touches: %w", len(batch), err)
		}
		total += len(batch)
		if len(batch) < e.cfg.BatchSize {
			return total, nil
		}
	}
}

// Reconcile hands the queue again every touch that should be there but may not
// be: queued ones well past due (Redis was flushed or restarted) and running
// ones whose worker's lease ran out. Enqueueing a touch the queue still holds
// changes nothing, so nothing runs twice and nothing is lost.
func (e *Engine) Reconcile(ctx context.Context) (int, error) {
	if e.cfg.Queue == nil {
		return 0, fmt.Errorf("reconcile: no queue configured")
	}
	total := 0
	for {
		now := e.now()
		batch, err := e.cfg.Store.Requeue(ctx, now.Add(-e.cfg.StaleQueued), now, e.cfg.BatchSize)
		if err != nil {
			return total, fmt.Errorf("reconcile: %w", err)
		}
		if len(batch) == 0 {
			return total, nil
		}
		if err := e.cfg.Queue.Enqueue(ctx, batch); err != nil {
			return total, fmt.Errorf("reconcile: enqueue %d touches: %w", len(batch), err)
		}
		total += len(batch)
		if len(batch) < e.cfg.BatchSize {
			return total, nil
		}
	}
}
