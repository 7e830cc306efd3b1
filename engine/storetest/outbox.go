package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/dripline/dripline/engine"
)

// queueDueOrderAndLimit: earliest first, at most limit, only before until,
// and each touch once.
func queueDueOrderAndLimit(e *env) {
	_, late := e.enroll(T0.Add(2 * time.Minute))
	_, early := e.enroll(T0)
	_, mid := e.enroll(T0.Add(time.Minute))
	_, future := e.enroll(T0.Add(time.Hour))
	until := T0.Add(5 * time.Minute)

	first, err := e.s.QueueDue(e.ctx, T0, until, 2)
	if err != nil || fmt.Sprint(ids(first)) != fmt.Sprint([]int64{early.ID, mid.ID}) {
		e.t.Fatalf("QueueDue(limit 2) = %v, %v; want %v", ids(first), err, []int64{early.ID, mid.ID})
	}
	if first[0].State != engine.TouchQueued {
		e.t.Errorf("returned touch is %s, want queued", first[0].State)
	}
	rest := e.queue(T0, until)
	if fmt.Sprint(ids(rest)) != fmt.Sprint([]int64{late.ID}) {
		e.t.Fatalf("second QueueDue = %v, want only %d (queued ones are not queued again)", ids(rest), late.ID)
	}
	if got := e.touch(future.ID).State; got != engine.TouchScheduled {
		e.t.Errorf("touch due after until is %s, want scheduled", got)
	}
	if got := e.touch(early.ID).State; got != engine.TouchQueued {
		e.t.Errorf("queued touch reads back %s", got)
	}
}

// queueDueSkipsPaused: a paused enrollment's touch waits, and goes once resumed.
func queueDueSkipsPaused(e *env) {
	en, first := e.enroll(T0)
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, en.ID, engine.EnrollmentPaused, "", T0)
	})
	if ts := e.queue(T0, T0.Add(time.Minute)); len(ts) != 0 {
		e.t.Fatalf("QueueDue queued %v of a paused enrollment", ids(ts))
	}
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, en.ID, engine.EnrollmentActive, "", T0)
	})
	if ts := e.queue(T0, T0.Add(time.Minute)); fmt.Sprint(ids(ts)) != fmt.Sprint([]int64{first.ID}) {
		e.t.Fatalf("after resuming QueueDue = %v, want %d", ids(ts), first.ID)
	}
}

// queueDueConcurrent: callers racing for the same due touches never get the same one.
func queueDueConcurrent(e *env) {
	const n, callers = 40, 4
	want := make([]int64, 0, n)
	for i := range n {
		_, tc := e.enroll(T0.Add(time.Duration(i) * time.Second))
		want = append(want, tc.ID)
	}
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for {
				ts, err := e.s.QueueDue(e.ctx, T0, T0.Add(time.Hour), 3)
				if err != nil {
					e.t.Error(err)
					return
				}
				if len(ts) == 0 {
					return
				}
				mu.Lock()
				got = append(got, ids(ts)...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		e.t.Fatalf("concurrent QueueDue handed out %v, want each of %v once", got, want)
	}
}

// requeueStaleAndExpired: queued touches lost from the queue and running ones
// whose lease ended come back, queued at now; fresh ones do not.
func requeueStaleAndExpired(e *env) {
	_, stale := e.enroll(T0)
	e.queue(T0, T0.Add(time.Second)) // queued at T0
	_, fresh := e.enroll(T0.Add(10 * time.Minute))
	e.queue(T0.Add(10*time.Minute), T0.Add(11*time.Minute)) // queued at T0+10m
	_, expired := e.enroll(T0.Add(20 * time.Minute))
	_, held := e.enroll(T0.Add(21 * time.Minute))
	e.queue(T0.Add(20*time.Minute), T0.Add(22*time.Minute))
	for _, c := range []struct {
		id    int64
		until time.Time
	}{{expired.ID, T0.Add(25 * time.Minute)}, {held.ID, T0.Add(time.Hour)}} {
		if _, ok, err := e.s.Claim(e.ctx, c.id, T0.Add(20*time.Minute), c.until); err != nil || !ok {
			e.t.Fatalf("Claim %d = %v, %v", c.id, ok, err)
		}
	}

	now := T0.Add(30 * time.Minute)
	back, err := e.s.Requeue(e.ctx, T0.Add(5*time.Minute), now, 10)
	if err != nil {
		e.t.Fatal(err)
	}
	got := ids(back)
	slices.Sort(got)
	if want := []int64{stale.ID, expired.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		e.t.Fatalf("Requeue = %v, want %v (stale queued, expired lease; not %d queued recently nor %d still leased)",
			got, want, fresh.ID, held.ID)
	}
	if tc := e.touch(expired.ID); tc.State != engine.TouchQueued || tc.Attempts != 1 {
		e.t.Errorf("requeued touch = %s after %d attempts, want queued after 1", tc.State, tc.Attempts)
	}
	if again, err := e.s.Requeue(e.ctx, T0.Add(5*time.Minute), now, 10); err != nil || len(again) != 0 {
		e.t.Errorf("Requeue again = %v, %v; want nothing: they were queued at now", ids(again), err)
	}
}

// claimOnce: a claim leases the touch and counts the attempt; a second claim
// under the lease gets nothing.
func claimOnce(e *env) {
	_, tc := e.claimed()
	if tc.State != engine.TouchRunning || tc.Attempts != 1 || !tc.LeaseUntil.Equal(T0.Add(time.Minute)) {
		e.t.Fatalf("claimed touch = %s, attempt %d, lease %s", tc.State, tc.Attempts, tc.LeaseUntil)
	}
	if _, ok, err := e.s.Claim(e.ctx, tc.ID, T0.Add(30*time.Second), T0.Add(2*time.Minute)); err != nil || ok {
		e.t.Fatalf("second Claim under the lease = %v, %v; want not ok", ok, err)
	}
	if got := e.touch(tc.ID); got.Attempts != 1 {
		e.t.Errorf("a refused claim counted an attempt: %d", got.Attempts)
	}
}

// claimAfterLeaseExpiry: once the lease ends another worker may claim.
func claimAfterLeaseExpiry(e *env) {
	_, tc := e.claimed()
	again, ok, err := e.s.Claim(e.ctx, tc.ID, T0.Add(2*time.Minute), T0.Add(3*time.Minute))
	if err != nil || !ok || again.Attempts != 2 {
		e.t.Fatalf("Claim after the lease = %+v, %v, %v; want attempt 2", again, ok, err)
	}
}

// claimFinalOrScheduled: final, scheduled and unknown touches are not claimed.
func claimFinalOrScheduled(e *env) {
	_, tc := e.claimed()
	e.tx(func(tx engine.Tx) error {
		_, err := finishOne(e.ctx, tx, tc.ID, tc.Attempts, engine.TouchDone, "", T0)
		return err
	})
	_, scheduled := e.enroll(T0)
	for _, id := range []int64{tc.ID, scheduled.ID, 1 << 40} {
		if _, ok, err := e.s.Claim(e.ctx, id, T0.Add(time.Hour), T0.Add(2*time.Hour)); err != nil || ok {
			e.t.Errorf("Claim(%d) = %v, %v; want not ok, no error", id, ok, err)
		}
	}
	if got := e.touch(tc.ID); got.State != engine.TouchDone {
		e.t.Errorf("final touch became %s", got.State)
	}
}

// releaseStaleAttempt: only the current claim may hand a touch back.
func releaseStaleAttempt(e *env) {
	_, tc := e.claimed()
	if err := e.s.Release(e.ctx, tc.ID, tc.Attempts+1, engine.TouchQueued, "stale"); !errors.Is(err, engine.ErrConflict) {
		e.t.Fatalf("Release with a stale attempt = %v, want ErrConflict", err)
	}
	if got := e.touch(tc.ID); got.State != engine.TouchRunning || got.Reason != "" {
		e.t.Fatalf("stale Release changed the touch: %s %q", got.State, got.Reason)
	}
	if err := e.s.Release(e.ctx, tc.ID, tc.Attempts, engine.TouchQueued, "451 try later"); err != nil {
		e.t.Fatal(err)
	}
	got := e.touch(tc.ID)
	if got.State != engine.TouchQueued || got.Reason != "451 try later" || got.Attempts != 1 || !got.LeaseUntil.IsZero() {
		e.t.Fatalf("released touch = %+v; want queued with the reason, attempts kept, no lease", got)
	}
	if err := e.s.Release(e.ctx, tc.ID, tc.Attempts, engine.TouchQueued, "again"); !errors.Is(err, engine.ErrConflict) {
		e.t.Fatalf("Release of a touch no longer running = %v, want ErrConflict", err)
	}
}

// pauseBackToScheduled: a worker finding the enrollment paused releases the
// touch to scheduled; it is not queued while paused and is once resumed.
func pauseBackToScheduled(e *env) {
	en, tc := e.claimed()
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, en.ID, engine.EnrollmentPaused, "", T0)
	})
	if err := e.s.Release(e.ctx, tc.ID, tc.Attempts, engine.TouchScheduled, "enrollment paused"); err != nil {
		e.t.Fatal(err)
	}
	if got := e.touch(tc.ID); got.State != engine.TouchScheduled || !got.LeaseUntil.IsZero() {
		e.t.Fatalf("paused touch = %s lease %s, want scheduled without a lease", got.State, got.LeaseUntil)
	}
	if ts := e.queue(T0.Add(time.Minute), T0.Add(time.Hour)); len(ts) != 0 {
		e.t.Fatalf("queued %v while paused", ids(ts))
	}
	e.tx(func(tx engine.Tx) error {
		return tx.SetEnrollmentState(e.ctx, en.ID, engine.EnrollmentActive, "", T0)
	})
	if ts := e.queue(T0.Add(time.Minute), T0.Add(time.Hour)); fmt.Sprint(ids(ts)) != fmt.Sprint([]int64{tc.ID}) {
		e.t.Fatalf("after resuming QueueDue = %v, want %d", ids(ts), tc.ID)
	}
}
