package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

// TestPendingTouchesIncludeRunningOnes: a touch a worker holds is still
// pending (not final); ending its enrollment relies on seeing it.
func TestPendingTouchesIncludeRunningOnes(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 1)
	enrollAll(t, s, "gi", ids, func(int) time.Time { return t0 })
	queued, err := s.QueueDue(ctx, t0, t0.Add(time.Minute), 10)
	if err != nil || len(queued) != 1 {
		t.Fatalf("QueueDue = %+v, %v", queued, err)
	}
	if _, ok, err := s.Claim(ctx, queued[0].ID, t0, t0.Add(2*time.Minute)); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	if p := pendingOf(t, s, ids[0]); len(p) != 1 || p[0].State != engine.TouchRunning {
		t.Fatalf("pending = %+v, want the running touch", p)
	}
}
