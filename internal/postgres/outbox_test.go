package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestQueueDueOrderAndFilters(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 5)
	// Touch i falls due at t0 + (5-i) minutes: the last contact's first.
	enrollAll(t, s, "gi", ids, func(i int) time.Time { return t0.Add(time.Duration(5-i) * time.Minute) })
	setLatest(t, s, ids[2], engine.EnrollmentPaused)

	until := t0.Add(5 * time.Minute) // the first contact's touch, due exactly at until, waits
	got, err := s.QueueDue(ctx, t0, until, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{ids[4], ids[3], ids[1]} // earliest first; the paused enrollment's touch waits
	if len(got) != len(want) {
		t.Fatalf("queued %d touches, want %d: %+v", len(got), len(want), got)
	}
	for i, tc := range got {
		if tc.ContactID != want[i] || tc.State != engine.TouchQueued {
			t.Errorf("touch %d: contact %d state %s, want contact %d queued", i, tc.ContactID, tc.State, want[i])
		}
	}
	if again, err := s.QueueDue(ctx, t0, until, 10); err != nil || len(again) != 0 {
		t.Errorf("second QueueDue returned %d touches, %v; want none", len(again), err)
	}
	if limited, err := s.QueueDue(ctx, t0, t0.Add(time.Hour), 1); err != nil || len(limited) != 1 || limited[0].ContactID != ids[0] {
		t.Errorf("QueueDue with limit 1 = %+v, %v; want the first contact's touch", limited, err)
	}
}

func TestQueueDueConcurrentCallersNeverShareATouch(t *testing.T) {
	t.Parallel()
	s := setup(t)
	const touches, callers = 3000, 6
	enrollAll(t, s, "gi", addContacts(t, s, touches), func(i int) time.Time { return t0.Add(-time.Duration(i) * time.Second) })
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = map[int64]int{}
	)
	for range callers {
		wg.Go(func() {
			for {
				batch, err := s.QueueDue(context.Background(), t0, t0.Add(time.Minute), 37)
				if err != nil {
					t.Error(err)
					return
				}
				if len(batch) == 0 {
					return
				}
				mu.Lock()
				for _, tc := range batch {
					seen[tc.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != touches {
		t.Errorf("%d distinct touches queued, want %d", len(seen), touches)
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("touch %d handed out %d times", id, n)
		}
	}
}

func TestClaim(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	enrollAll(t, s, "gi", addContacts(t, s, 1), func(int) time.Time { return t0 })
	queued, err := s.QueueDue(ctx, t0, t0.Add(time.Minute), 1)
	if err != nil || len(queued) != 1 {
		t.Fatalf("QueueDue = %v, %v", queued, err)
	}
	id, lease := queued[0].ID, t0.Add(2*time.Minute)

	first, ok, err := s.Claim(ctx, id, t0, lease)
	if err != nil || !ok || first.State != engine.TouchRunning || first.Attempts != 1 || !first.LeaseUntil.Equal(lease) {
		t.Fatalf("first claim = %+v, %v, %v", first, ok, err)
	}
	if _, ok, err := s.Claim(ctx, id, t0.Add(time.Minute), t0.Add(3*time.Minute)); ok || err != nil {
		t.Errorf("second claim within the lease = %v, %v; want not ok", ok, err)
	}
	if _, ok, err := s.Claim(ctx, id, lease, lease.Add(time.Minute)); ok || err != nil {
		t.Errorf("claim at the very end of the lease = %v, %v; want not ok", ok, err)
	}
	again, ok, err := s.Claim(ctx, id, lease.Add(time.Second), lease.Add(time.Hour))
	if err != nil || !ok || again.Attempts != 2 {
		t.Errorf("claim after the lease ended = %+v, %v, %v; want ok with attempt 2", again, ok, err)
	}
	if _, ok, err := s.Claim(ctx, id+1000, t0, lease); ok || err != nil {
		t.Errorf("claim of a missing touch = %v, %v; want not ok", ok, err)
	}
}

func TestClaimRefusesFinalAndScheduledTouches(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 1)
	enrollAll(t, s, "gi", ids, func(int) time.Time { return t0 })
	touch := pendingOf(t, s, ids[0])[0]
	if _, ok, err := s.Claim(ctx, touch.ID, t0, t0.Add(time.Minute)); ok || err != nil {
		t.Errorf("claim of a scheduled touch = %v, %v; want not ok", ok, err)
	}
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		return tx.FinishTouch(ctx, touch.ID, engine.TouchCanceled, "exit: opportunity.won", t0)
	})
	if _, ok, err := s.Claim(ctx, touch.ID, t0, t0.Add(time.Minute)); ok || err != nil {
		t.Errorf("claim of a canceled touch = %v, %v; want not ok", ok, err)
	}
}

func TestReleaseAndRequeue(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 3)
	enrollAll(t, s, "gi", ids, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) })
	queued, err := s.QueueDue(ctx, t0, t0.Add(time.Hour), 10)
	if err != nil || len(queued) != 3 {
		t.Fatalf("QueueDue = %v, %v", queued, err)
	}
	// Touch 0 stays queued; touch 1 is claimed and released; touch 2 is
	// claimed by a worker that dies.
	for _, i := range []int{1, 2} {
		if _, ok, err := s.Claim(ctx, queued[i].ID, t0, t0.Add(time.Minute)); !ok || err != nil {
			t.Fatalf("claim %d: %v, %v", i, ok, err)
		}
	}
	if err := s.Release(ctx, queued[1].ID, 2, engine.TouchQueued, "stale lease"); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("releasing with another claim's attempt: %v, want ErrConflict", err)
	}
	if err := s.Release(ctx, queued[1].ID, 1, engine.TouchQueued, "smtp: 421 try later"); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, queued[1].ID, 1, engine.TouchQueued, "again"); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("releasing a touch that is not running: %v, want ErrConflict", err)
	}
	if err := s.Release(ctx, queued[0].ID, 1, engine.TouchDone, ""); err == nil {
		t.Error("release to done accepted")
	}

	// Five minutes later, with a two-minute grace: everything is stale.
	now := t0.Add(5 * time.Minute)
	got, err := s.Requeue(ctx, now.Add(-2*time.Minute), now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("requeued %d touches, want 3: %+v", len(got), got)
	}
	for i, tc := range got {
		if tc.ID != queued[i].ID || tc.State != engine.TouchQueued || !tc.LeaseUntil.IsZero() {
			t.Errorf("requeued touch %d = %+v", i, tc)
		}
	}
	if got[1].Reason != "smtp: 421 try later" || got[1].Attempts != 1 {
		t.Errorf("released touch = %+v; want its reason and attempt kept", got[1])
	}
	// Requeued at now: none of them is stale again until the grace passes.
	if again, err := s.Requeue(ctx, now.Add(-2*time.Minute), now, 10); err != nil || len(again) != 0 {
		t.Errorf("Requeue right after = %v, %v; want none", again, err)
	}
}

func TestReleaseToScheduledWhenPaused(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	ids := addContacts(t, s, 1)
	enrollAll(t, s, "gi", ids, func(int) time.Time { return t0 })
	queued, err := s.QueueDue(ctx, t0, t0.Add(time.Hour), 1)
	if err != nil || len(queued) != 1 {
		t.Fatalf("QueueDue = %v, %v", queued, err)
	}
	if _, ok, err := s.Claim(ctx, queued[0].ID, t0, t0.Add(time.Minute)); !ok || err != nil {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	setLatest(t, s, ids[0], engine.EnrollmentPaused)
	if err := s.Release(ctx, queued[0].ID, 1, engine.TouchScheduled, "enrollment paused"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.QueueDue(ctx, t0, t0.Add(time.Hour), 1); err != nil || len(got) != 0 {
		t.Errorf("QueueDue while paused = %v, %v; want none", got, err)
	}
	setLatest(t, s, ids[0], engine.EnrollmentActive)
	if got, err := s.QueueDue(ctx, t0, t0.Add(time.Hour), 1); err != nil || len(got) != 1 || got[0].Attempts != 1 {
		t.Errorf("QueueDue after resuming = %+v, %v; want the touch, one attempt made", got, err)
	}
}
