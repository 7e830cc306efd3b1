package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
)

// QueueDue moves up to limit scheduled touches of active enrollments on
// tracks not paused due before until to queued, recording now as queued_at, and returns them
// earliest first. Rows another caller holds are skipped, so concurrent
// schedulers never receive the same touch.
func (s *Store) QueueDue(ctx context.Context, now, until time.Time, limit int) ([]engine.Touch, error) {
	ts, err := queryTouches(ctx, s.pool, `UPDATE touches AS t SET state = 'queued', queued_at = $1
		WHERE t.id IN (
			SELECT d.id FROM touches d JOIN enrollments e ON e.id = d.enrollment_id
			WHERE d.state = 'scheduled' AND d.due < $2 AND e.state = 'active'
			  AND NOT EXISTS (SELECT 1 FROM track_states s WHERE s.track_id = e.track_id AND s.state = 'paused')
			ORDER BY d.due, d.id
			LIMIT $3
			FOR UPDATE OF d SKIP LOCKED)
		RETURNING `+touchColumns, now, until, limit)
	if err != nil {
		return nil, fmt.Errorf("queue touches due before %s: %w", until.Format(time.RFC3339), err)
	}
	sortByDue(ts)
	return ts, nil
}

// Requeue marks queued again (queued at now), and returns, up to limit
// touches that may have fallen out of the queue: queued ones whose due and
// queued times are both before staleBefore, and running ones whose lease ended
// before now. Earliest first; concurrent callers never receive the same touch.
func (s *Store) Requeue(ctx context.Context, staleBefore, now time.Time, limit int) ([]engine.Touch, error) {
	ts, err := queryTouches(ctx, s.pool, `UPDATE touches AS t SET state = 'queued', queued_at = $2, lease_until = NULL
		WHERE t.id IN (
			SELECT d.id FROM touches d
			WHERE (d.state = 'queued' AND d.due < $1 AND coalesce(d.queued_at, '-infinity') < $1)
			   OR (d.state = 'running' AND d.lease_until < $2)
			ORDER BY d.due, d.id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING `+touchColumns, staleBefore, now, limit)
	if err != nil {
		return nil, fmt.Errorf("requeue touches: %w", err)
	}
	sortByDue(ts)
	return ts, nil
}

// Claim leases a queued touch, or a running one whose lease ended before now,
// until leaseUntil and counts the attempt. ok is false, with no error, when
// the touch is final, scheduled, leased to another worker or gone (its
// contact deleted): a duplicate task has nothing to do. Like ClaimAll it
// does not wait for a transaction that holds the touch: it fails, and the
// queue tries the task again.
func (s *Store) Claim(ctx context.Context, id int64, now, leaseUntil time.Time) (engine.Touch, bool, error) {
	ts, err := s.ClaimAll(ctx, []int64{id}, now, leaseUntil)
	if err != nil || len(ts) == 0 {
		return engine.Touch{}, false, err
	}
	return ts[0], true, nil
}

// ClaimAll is Claim for many touches in one statement: it returns those it
// leased, in no particular order; an id listed twice is claimed once. It
// locks the touches NOWAIT: when another transaction holds one, it fails
// with SQLSTATE 55P03 at once and claims none.
func (s *Store) ClaimAll(ctx context.Context, ids []int64, now, leaseUntil time.Time) ([]engine.Touch, error) {
	ts, err := queryTouches(ctx, s.pool, `UPDATE touches AS t
		SET state = 'running', lease_until = $3, attempts = attempts + 1
		FROM (SELECT id FROM touches
			WHERE id = ANY($1) AND (state = 'queued' OR (state = 'running' AND lease_until < $2))
			FOR UPDATE NOWAIT) AS free
		WHERE t.id = free.id
		RETURNING `+touchColumns, ids, now, leaseUntil)
	if err != nil {
		return nil, fmt.Errorf("claim %d touches: %w", len(ids), err)
	}
	return ts, nil
}

// RenewLease extends the lease of a touch still running under the claim
// with this attempt number; false when it ended or was claimed again.
func (s *Store) RenewLease(ctx context.Context, id int64, attempt int, leaseUntil time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE touches SET lease_until = $3
		WHERE id = $1 AND state = 'running' AND attempts = $2`, id, attempt, leaseUntil)
	if err != nil {
		return false, fmt.Errorf("renew lease of touch %d: %w", id, transient(err))
	}
	return tag.RowsAffected() == 1, nil
}

// Release hands a running touch back: to queued after a temporary failure,
// with reason keeping the error, or to scheduled when its enrollment is
// paused. The lease ends and the attempts stay counted. A touch another
// worker has claimed since (its attempts moved on) is left alone: ErrConflict.
func (s *Store) Release(ctx context.Context, id int64, attempt int, state engine.TouchState, reason string) error {
	if state != engine.TouchQueued && state != engine.TouchScheduled {
		return fmt.Errorf("release touch %d: state must be queued or scheduled, not %q", id, state)
	}
	return s.release(ctx, id, attempt, state, reason, 0)
}

// ReleaseUncharged hands a running touch back to queued after a claim that
// was not its fault, counting the attempt in outages too; ErrConflict as
// Release.
func (s *Store) ReleaseUncharged(ctx context.Context, id int64, attempt int, reason string) error {
	return s.release(ctx, id, attempt, engine.TouchQueued, reason, 1)
}

// release is Release and ReleaseUncharged, adding outage to the outages.
func (s *Store) release(ctx context.Context, id int64, attempt int, state engine.TouchState, reason string, outage int) error {
	tag, err := s.pool.Exec(ctx, `UPDATE touches SET state = $2, reason = $3, lease_until = NULL, outages = outages + $5
		WHERE id = $1 AND state = 'running' AND attempts = $4`, id, string(state), reason, attempt, outage)
	if err == nil && tag.RowsAffected() == 0 {
		err = wrongState(ctx, s.pool, "touch", id, fmt.Sprintf("running attempt %d", attempt))
	}
	if err != nil {
		return fmt.Errorf("release touch %d: %w", id, err)
	}
	return nil
}

// sortByDue orders touches earliest first, then by id: RETURNING keeps no order.
func sortByDue(ts []engine.Touch) {
	slices.SortFunc(ts, func(a, b engine.Touch) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
