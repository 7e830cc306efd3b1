package memstore

import (
	"context"
	"errors"
	"time"

	"github.com/dripline/dripline/engine"
)

// The batch methods of the engine's ports, each a loop over its one-at-a-time
// counterpart: memory has no round trips to save.

// ClaimAll implements engine.Store.
func (s *Store) ClaimAll(ctx context.Context, ids []int64, now, leaseUntil time.Time) ([]engine.Touch, error) {
	var out []engine.Touch
	for _, id := range ids {
		t, ok, err := s.Claim(ctx, id, now, leaseUntil)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// WorkAll implements engine.Store.
func (s *Store) WorkAll(ctx context.Context, ts []engine.Touch) (map[int64]engine.Work, error) {
	out := make(map[int64]engine.Work, len(ts))
	for _, t := range ts {
		w, err := s.Work(ctx, t)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[t.ID] = w
	}
	return out, nil
}

func (t tx) EnrollmentsByID(_ context.Context, ids []int64) (map[int64]engine.Enrollment, error) {
	return copiesOf(t.s.enrollments, ids), nil
}

func (t tx) SetEnrollmentStates(ctx context.Context, ids []int64, state engine.EnrollmentState, reason string, at time.Time) error {
	for _, id := range ids {
		if err := t.SetEnrollmentState(ctx, id, state, reason, at); err != nil {
			return err
		}
	}
	return nil
}

func (t tx) CreateTouches(ctx context.Context, ts []*engine.Touch) error {
	for _, tc := range ts {
		if err := t.CreateTouch(ctx, tc); err != nil {
			return err
		}
	}
	return nil
}

func (t tx) FinishAllClaimed(ctx context.Context, fs []engine.ClaimedFinish, at time.Time) ([]bool, error) {
	ok := make([]bool, len(fs))
	for i, f := range fs {
		if tc, found := lookup(t.s.touches, f.ID); !found || tc.State != engine.TouchRunning || tc.Attempts != f.Attempt {
			continue // ended meanwhile, or claimed again
		}
		ok[i] = true
		if err := t.FinishTouch(ctx, f.ID, f.State, f.Reason, at); err != nil {
			return nil, err
		}
		if f.MessageID != "" {
			if err := t.setMessageID(f.ID, f.MessageID); err != nil {
				return nil, err
			}
		}
	}
	return ok, nil
}

func (t tx) CreateActivities(ctx context.Context, as []*engine.Activity) error {
	for _, a := range as {
		if err := t.CreateActivity(ctx, a); err != nil {
			return err
		}
	}
	return nil
}
