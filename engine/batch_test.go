package engine_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// batchFixture is a fixture whose emails go to m, whose outcomes l hears and
// whose log goes to logs, with n one-email touches queued and due now.
func batchFixture(t *testing.T, m *mailer, n int) (*fixture, *watcher, *syncBuffer, []int64) {
	t.Helper()
	var f *fixture
	w := &watcher{listener: &listener{f: &f}}
	logs := &syncBuffer{}
	f = setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: m}, nil, func(c *engine.Config) {
		c.Lease = time.Minute
		c.Observer = w
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	for i := range n {
		f.manual(f.contact(fmt.Sprintf("pat%d@example.com", i)), "bench-email")
	}
	queued, err := f.store.QueueDue(f.ctx, f.clock.Now(), f.clock.Now().Add(time.Microsecond), n)
	if err != nil || len(queued) != n {
		t.Fatalf("QueueDue = %d touches, %v; want %d", len(queued), err, n)
	}
	ids := make([]int64, n)
	for i, tc := range queued {
		ids[i] = tc.ID
	}
	return f, w, logs, ids
}

// watcher is a listener that also hears of lost claims.
type watcher struct {
	*listener
	lost claimWatcher
}

func (w *watcher) ClaimLost(t engine.Touch) { w.lost.ClaimLost(t) }

// heard lists the touches the observer heard finish, in id order; an
// outcome heard before it was committed fails the test.
func (w *watcher) heard(t *testing.T) []int64 {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, err := range w.errs {
		t.Error(err)
	}
	var ids []int64
	for _, x := range w.seen {
		ids = append(ids, x.Touch.ID)
	}
	slices.Sort(ids)
	return ids
}

// processAll runs Process for each id on its own goroutine, as asynq's
// workers do, and returns a channel that delivers the first error, or nil
// once every one returned nil.
func (f *fixture) processAll(ids ...int64) <-chan error {
	errs := make(chan error, len(ids))
	for _, id := range ids {
		go func() { errs <- f.eng.Process(f.ctx, id) }()
	}
	done := make(chan error, 1)
	go func() {
		for range ids {
			if err := <-errs; err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	return done
}

// wantDoneOnce fails the test unless each touch ended done after one
// attempt, with one activity.
func (f *fixture) wantDoneOnce(ids ...int64) {
	f.t.Helper()
	for _, id := range ids {
		if got := f.stored(id); got.State != engine.TouchDone || got.Attempts != 1 || f.activities(id) != 1 {
			f.t.Errorf("touch %d = %s, attempt %d, %d activities; want done once", id, got.State, got.Attempts, f.activities(id))
		}
	}
}

// activities counts the activities logged for a touch.
func (f *fixture) activities(id int64) int {
	return f.count(`SELECT count(*) FROM activities WHERE touch_id = $1`, id)
}

// failActivityOf makes PostgreSQL refuse, with a serialization failure
// (transient), the first times activities for the touch are inserted.
func (f *fixture) failActivityOf(id int64, times int) {
	f.t.Helper()
	_, err := f.store.Pool().Exec(f.ctx, fmt.Sprintf(`
		CREATE SEQUENCE refusals;
		CREATE FUNCTION refuse_activity() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.touch_id = %d AND nextval('refusals') <= %d THEN
				RAISE EXCEPTION 'refused for the test' USING ERRCODE = '40001';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_activity BEFORE INSERT ON activities
			FOR EACH ROW EXECUTE FUNCTION refuse_activity();`, id, times))
	if err != nil {
		f.t.Fatal(err)
	}
}

// TestBatchFinishesTogether: touches finished together as one batch all
// end done once, each with its activity and Message-ID, each heard once by
// the observer after the commit.
func TestBatchFinishesTogether(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f, w, _, ids := batchFixture(t, m, 3)
	release := engine.HoldFinishes(t, f.eng)
	done := f.processAll(ids...)
	release(len(ids))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f.wantDoneOnce(ids...)
	for _, id := range ids {
		if got := f.stored(id).MessageID; got != fmt.Sprintf("<touch-%d@summit.example>", id) {
			t.Errorf("touch %d has message id %q, want its own", id, got)
		}
	}
	if heard := w.heard(t); !slices.Equal(heard, ids) || m.sent() != len(ids) {
		t.Fatalf("observer heard %v, sent %d; want %v once each", heard, m.sent(), ids)
	}
}

// TestBatchFinishOneFailsOthersDone: in a batch of three, PostgreSQL
// refuses one touch's activity, which fails the batch's transaction. Each
// touch is then finished on its own: the other two end done, and the one
// refused again is retried until it ends done too. Every touch went out
// once, is logged once and heard once.
func TestBatchFinishOneFailsOthersDone(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f, w, logs, ids := batchFixture(t, m, 3)
	bad := ids[1]
	f.failActivityOf(bad, 2) // in the batch, then alone once
	release := engine.HoldFinishes(t, f.eng)
	done := f.processAll(ids...)
	release(len(ids))
	if err := advanceUntil(f.ctx, f.clock, time.Second, done); err != nil {
		t.Fatalf("Process = %v\nlog:\n%s", err, logs.String())
	}
	f.wantDoneOnce(ids...)
	if heard := w.heard(t); !slices.Equal(heard, ids) || m.sent() != len(ids) {
		t.Fatalf("observer heard %v, sent %d; want %v once each", heard, m.sent(), ids)
	}
	log := logs.String()
	retried := fmt.Sprintf("finish touch: database failed, retrying\" touch=%d", bad)
	if !strings.Contains(log, "finishing touches together failed") || !strings.Contains(log, retried) ||
		strings.Count(log, "retrying") != 1 {
		t.Fatalf("want the batch's failure logged and touch %d alone retried once; log:\n%s", bad, log)
	}
}

// TestBatchFinishWithLostClaim: one touch of a batch was claimed again by
// another worker while this one delivered it (its lease ran out). The batch
// finishes the other two; the lost one is left to the other worker, logged
// at ERROR and told to the ClaimObserver, and nothing is logged for it.
func TestBatchFinishWithLostClaim(t *testing.T) {
	t.Parallel()
	var f *fixture
	var stolen int64
	m := &mailer{}
	m.during = func(ctx context.Context) {
		m.mu.Lock()
		last := m.count == 3
		m.mu.Unlock()
		if !last {
			return
		}
		now := f.clock.Now()
		if _, err := f.store.Pool().Exec(ctx, `UPDATE touches SET lease_until = $1 WHERE id = $2`, now.Add(-time.Second), stolen); err != nil {
			t.Error(err)
		}
		if _, ok, err := f.store.Claim(ctx, stolen, now, now.Add(time.Minute)); err != nil || !ok {
			t.Errorf("the other worker's Claim = %v, %v", ok, err)
		}
	}
	f, w, logs, ids := batchFixture(t, m, 3)
	stolen = ids[2]
	release := engine.HoldFinishes(t, f.eng)
	done := f.processAll(ids...)
	release(len(ids))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:2] {
		if got := f.stored(id); got.State != engine.TouchDone || f.activities(id) != 1 {
			t.Errorf("touch %d = %s with %d activities; want done once", id, got.State, f.activities(id))
		}
	}
	if got := f.stored(stolen); got.State != engine.TouchRunning || got.Attempts != 2 || got.MessageID != "" || f.activities(stolen) != 0 {
		t.Errorf("stolen touch = %s, attempt %d, message id %q, %d activities; want running under the other claim, untouched",
			got.State, got.Attempts, got.MessageID, f.activities(stolen))
	}
	want := fmt.Sprintf("level=ERROR msg=\"touch claimed again while this worker carried it out: it may have gone out twice\" touch=%d", stolen)
	if heard := w.heard(t); !slices.Equal(heard, ids[:2]) || !slices.Equal(w.lost.lost, []int64{stolen}) || !strings.Contains(logs.String(), want) {
		t.Fatalf("observer heard %v finished, %v lost; want %v and [%d]; log:\n%s", heard, w.lost.lost, ids[:2], stolen, logs.String())
	}
}

// TestBatchClaimTwiceInOneBatch: two tasks for the same touch (a duplicate
// delivery) land in one claim batch with another touch: the touch is
// claimed and sent once, the duplicate returns with nothing to do.
func TestBatchClaimTwiceInOneBatch(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f, w, _, ids := batchFixture(t, m, 2)
	release := engine.HoldClaims(t, f.eng)
	done := f.processAll(ids[0], ids[0], ids[1])
	release(3)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f.wantDoneOnce(ids...)
	if heard := w.heard(t); !slices.Equal(heard, ids) || m.sent() != 2 {
		t.Fatalf("observer heard %v, sent %d; want %v, each sent once", heard, m.sent(), ids)
	}
}

// TestBatchClaimLockedTouch: one touch of a claim batch is held by another
// transaction. The batch does not wait for it: the others are claimed on
// their own at once and sent, and the held one fails its claim (the queue
// retries the task), still queued, with no attempt counted; once the other
// transaction ends it is claimed and sent.
func TestBatchClaimLockedTouch(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f, _, _, ids := batchFixture(t, m, 3)
	locked := ids[1]
	other, err := f.store.Pool().Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback(f.ctx)
	if _, err := other.Exec(f.ctx, `SELECT 1 FROM touches WHERE id = $1 FOR UPDATE`, locked); err != nil {
		t.Fatal(err)
	}
	release := engine.HoldClaims(t, f.eng)
	errs := make(chan error, len(ids))
	for _, id := range ids {
		go func() { errs <- f.eng.Process(f.ctx, id) }()
	}
	release(len(ids))
	failed := 0
	for range ids {
		if err := <-errs; err != nil {
			failed++
		}
	}
	if got := f.stored(locked); failed != 1 || got.State != engine.TouchQueued || got.Attempts != 0 || m.sent() != 2 {
		t.Fatalf("%d claims failed, held touch %s with %d attempts, %d sent; want 1 failed, queued, 0, 2 sent", failed, got.State, got.Attempts, m.sent())
	}
	if err := other.Rollback(f.ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.Process(f.ctx, locked); err != nil {
		t.Fatal(err)
	}
	f.wantDoneOnce(ids...)
}

// TestClaimOfEndedWorker: a worker whose context has already ended (a
// shutdown, the task's timeout) claims nothing, so its touch is not left
// running, unreleased, until the lease runs out.
func TestClaimOfEndedWorker(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f, _, _, ids := batchFixture(t, m, 1)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	if err := f.eng.Process(ctx, ids[0]); err == nil {
		t.Fatal("Process with an ended context = nil, want its error")
	}
	if got := f.stored(ids[0]); got.State != engine.TouchQueued || got.Attempts != 0 || m.sent() != 0 {
		t.Fatalf("touch = %s with %d attempts, %d sent; want queued, 0, 0", got.State, got.Attempts, m.sent())
	}
}

// TestTaskBeforeDue: a task that runs before its touch is due (one left
// from before the touch was rescheduled later) hands the touch back
// queued, the claim not charged to it and its reason kept, and asks to run
// again at the due time, where it goes out.
func TestTaskBeforeDue(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f, _, _, ids := batchFixture(t, m, 1)
	due := f.clock.Now().Add(time.Hour)
	if _, err := f.store.Pool().Exec(f.ctx, `UPDATE touches SET due = $2 WHERE id = $1`, ids[0], due); err != nil {
		t.Fatal(err)
	}
	err := f.eng.Process(f.ctx, ids[0])
	var nd *engine.NotDueError
	if !errors.As(err, &nd) || !nd.Due.Equal(due) {
		t.Fatalf("Process before due = %v, want not due until %s", err, due)
	}
	if got := f.stored(ids[0]); got.State != engine.TouchQueued || got.Attempts-got.Outages != 0 || got.Reason != "" || m.sent() != 0 {
		t.Fatalf("touch = %s, %d attempts (%d uncharged), reason %q, %d sent; want queued, the early claim not charged, nothing sent",
			got.State, got.Attempts, got.Outages, got.Reason, m.sent())
	}
	f.clock.Advance(time.Hour)
	if err := f.eng.Process(f.ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(ids[0]); got.State != engine.TouchDone || m.sent() != 1 {
		t.Fatalf("touch = %s, %d sent; want done, sent once", got.State, m.sent())
	}
}

// TestBatchFallbackSkippedTouchMovesOn: a batch holding a skipped touch
// fails (another touch's activity is refused once), so each touch is
// finished on its own; the skipped one's track still moves on, here to the
// end of its one-step track.
func TestBatchFallbackSkippedTouchMovesOn(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f, _, _, ids := batchFixture(t, m, 2)
	skipped := f.stored(ids[1])
	var email string
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT email FROM contacts WHERE id = $1`, skipped.ContactID).Scan(&email); err != nil {
		t.Fatal(err)
	}
	err := f.store.Tx(f.ctx, func(tx engine.Tx) error {
		return tx.Suppress(f.ctx, email, engine.SuppressUnsubscribe, "test", f.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	f.failActivityOf(ids[0], 1) // the batch fails; alone it goes through
	release := engine.HoldFinishes(t, f.eng)
	done := f.processAll(ids...)
	release(len(ids))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := f.stored(ids[1]); got.State != engine.TouchSkipped {
		t.Fatalf("suppressed contact's touch = %s, want skipped", got.State)
	}
	if n := f.count(`SELECT count(*) FROM enrollments WHERE contact_id = $1 AND state = 'completed'`, skipped.ContactID); n != 1 {
		t.Fatalf("the skipped touch's enrollment did not move on (%d completed)", n)
	}
	f.wantDoneOnce(ids[0])
}
