package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/tracks"
)

// mailer is an email channel that runs during before returning, and counts
// its deliveries.
type mailer struct {
	engine.EmailReach
	during func(ctx context.Context)

	mu    sync.Mutex
	count int
}

func (m *mailer) Deliver(ctx context.Context, d engine.Dispatch) (engine.Outcome, error) {
	m.mu.Lock()
	m.count++
	m.mu.Unlock()
	if m.during != nil {
		m.during(ctx)
	}
	return engine.Outcome{MessageID: fmt.Sprintf("<touch-%d@summit.example>", d.Touch.ID)}, nil
}

func (m *mailer) sent() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count
}

// dueEmail enrolls a contact on the one-email track and queues its touch,
// due now.
func (f *fixture) dueEmail() engine.Touch {
	f.t.Helper()
	f.manual(f.contact("pat@example.com"), "bench-email")
	return f.stored(f.queueOne())
}

// stored reads a touch as the store has it.
func (f *fixture) stored(id int64) engine.Touch {
	f.t.Helper()
	var tc engine.Touch
	err := f.store.Tx(f.ctx, func(tx engine.Tx) (err error) { tc, err = tx.Touch(f.ctx, id); return err })
	if err != nil {
		f.t.Fatal(err)
	}
	return tc
}

// TestLeaseRenewedWhileDelivering: a delivery that outlives the lease keeps
// its claim, so the reconciler does not requeue the touch and no other
// worker can claim it; it ends done once, with its Message-ID stored.
func TestLeaseRenewedWhileDelivering(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	m := &mailer{during: func(context.Context) { close(entered); <-release }}
	f := setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: m}, nil,
		func(c *engine.Config) { c.Lease = time.Minute })
	tc := f.dueEmail()
	done := make(chan error, 1)
	go func() { done <- f.eng.Process(f.ctx, tc.ID) }()
	<-entered
	for range 9 { // three leases' worth, a beat at a time
		if err := f.clock.BlockUntil(f.ctx, 1); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(20 * time.Second)
	}
	if err := f.clock.BlockUntil(f.ctx, 1); err != nil { // the last renewal is stored
		t.Fatal(err)
	}
	now := f.clock.Now()
	if ts, err := f.store.Requeue(f.ctx, now, now, 10); err != nil || len(ts) != 0 {
		t.Fatalf("Requeue during a renewed delivery = %v, %v; want nothing", ts, err)
	}
	if _, ok, err := f.store.Claim(f.ctx, tc.ID, now, now.Add(time.Minute)); err != nil || ok {
		t.Fatalf("another worker's Claim = %v, %v; want refused", ok, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := f.stored(tc.ID)
	want := fmt.Sprintf("<touch-%d@summit.example>", tc.ID)
	if got.State != engine.TouchDone || got.Attempts != 1 || got.MessageID != want || m.sent() != 1 {
		t.Fatalf("touch = %s, attempt %d, message id %q, sent %d; want done once with %s",
			got.State, got.Attempts, got.MessageID, m.sent(), want)
	}
}

// TestLeaseRenewedWhileOutcomeWaits: an outcome that waits for the batch
// before it (a busy database) keeps its claim, so the reconciler does not
// requeue the touch meanwhile and it goes out once.
func TestLeaseRenewedWhileOutcomeWaits(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f := setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: m}, nil,
		func(c *engine.Config) { c.Lease = time.Minute })
	tc := f.dueEmail()
	letGo := engine.HoldFinishes(t, f.eng)
	done := make(chan error, 1)
	go func() { done <- f.eng.Process(f.ctx, tc.ID) }()
	// A lease stopped before the outcome leaves no renewal waiting: give up
	// rather than wait for ever.
	renewing, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	for range 10 { // three leases' worth, a beat at a time; then the last renewal is stored
		if err := f.clock.BlockUntil(renewing, 1); err != nil {
			t.Fatalf("no renewal of the claim while its outcome waits: %v", err)
		}
		f.clock.Advance(20 * time.Second)
	}
	now := f.clock.Now()
	if ts, err := f.store.Requeue(f.ctx, now, now, 10); err != nil || len(ts) != 0 {
		t.Fatalf("Requeue while the outcome waits = %v, %v; want nothing", ts, err)
	}
	letGo(1)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := f.stored(tc.ID); got.State != engine.TouchDone || got.Attempts != 1 || m.sent() != 1 {
		t.Fatalf("touch = %s, attempt %d, sent %d; want done once", got.State, got.Attempts, m.sent())
	}
}

// TestFinishRetriesTransientErrors: PostgreSQL drops every connection while
// the email goes out (as a restart does); the finishing transaction fails
// with a transient error (its batch's, then the touch is finished on its
// own; or its own, which waits and tries again), and the touch ends done
// after one delivery instead of going out again once its lease runs out.
func TestFinishRetriesTransientErrors(t *testing.T) {
	t.Parallel()
	// Which pooled connection the finish gets is the pool's choice; on a busy
	// machine it is now and then a fresh one. Try a few times until the
	// finish meets a dropped connection, which it must then survive.
	for try := 1; try <= 5; try++ {
		if finishMeetsDroppedConnection(t) {
			return
		}
	}
	t.Fatal("in 5 tries the finish never met a dropped connection")
}

// finishMeetsDroppedConnection drops every database connection while a
// touch is being delivered, checks the touch still ends done after one
// delivery, and reports whether its finish met the dropped connection.
func finishMeetsDroppedConnection(t *testing.T) bool {
	var f *fixture
	dropped := make(chan struct{})
	m := &mailer{during: func(ctx context.Context) { f.dropConnections(ctx); close(dropped) }}
	var logs syncBuffer
	f = setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: m}, nil, func(c *engine.Config) {
		c.Lease = time.Minute
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	tc := f.dueEmail()
	done := make(chan error, 1)
	go func() { done <- f.eng.Process(f.ctx, tc.ID) }()
	<-dropped
	if err := advanceUntil(f.ctx, f.clock, time.Second, done); err != nil {
		t.Fatalf("Process = %v\nlog:\n%s", err, logs.String())
	}
	got := f.stored(tc.ID)
	if got.State != engine.TouchDone || got.Attempts != 1 || got.MessageID == "" || m.sent() != 1 {
		t.Fatalf("touch = %s, attempt %d, message id %q, sent %d; want done after one delivery",
			got.State, got.Attempts, got.MessageID, m.sent())
	}
	// The finish meets the dropped connection in its batch's transaction
	// (then finishes on its own) or, on its own, retries.
	return strings.Contains(logs.String(), "retrying") || strings.Contains(logs.String(), "finishing touches together failed")
}

// TestBacklogTooLateIsSkippedAtSendTime: a touch picked up more than
// LateAfter past due (the daemon was down) is skipped with "late: …" and
// nothing goes out.
func TestBacklogTooLateIsSkippedAtSendTime(t *testing.T) {
	t.Parallel()
	m := &mailer{}
	f := setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: m}, nil,
		func(c *engine.Config) { c.LateAfter = 72 * time.Hour })
	tc := f.dueEmail()
	f.clock.Advance(72*time.Hour + time.Minute)
	if err := f.eng.Process(f.ctx, tc.ID); err != nil {
		t.Fatal(err)
	}
	got := f.stored(tc.ID)
	if got.State != engine.TouchSkipped || !strings.HasPrefix(got.Reason, "late: due ") || m.sent() != 0 {
		t.Fatalf("touch = %s %q, sent %d; want skipped as late, nothing sent", got.State, got.Reason, m.sent())
	}
}

// dropConnections terminates every other connection to the fixture's
// database, as a PostgreSQL restart does, and waits until they are gone.
func (f *fixture) dropConnections(ctx context.Context) {
	conn, err := pgx.ConnectConfig(ctx, f.store.Pool().Config().ConnConfig.Copy())
	if err != nil {
		f.t.Error(err)
		return
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n)
	if err != nil || n == 0 {
		f.t.Errorf("terminate connections: %d, %v", n, err)
	}
}

// advanceUntil moves the clock by step whenever a goroutine sleeps on it
// to wake within five steps (a finish's retry backoff), until done
// delivers. The claims' renewals, a third of a lease apart, do not move
// it by themselves: they sleep all along, and moving the clock for them
// would race it past the lease while the finish is at the database.
func advanceUntil(ctx context.Context, clk *clock.Virtual, step time.Duration, done <-chan error) error {
	for {
		wait, cancel := context.WithCancel(ctx)
		parked := make(chan error, 1)
		go func() { parked <- clk.BlockUntilWake(wait, clk.Now().Add(5*step)) }()
		select {
		case err := <-done:
			cancel()
			return err
		case err := <-parked:
			cancel()
			if err != nil {
				return err
			}
			clk.Advance(step)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a logger on another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// claimWatcher is a ClaimObserver that records lost claims.
type claimWatcher struct {
	mu   sync.Mutex
	lost []int64
}

func (w *claimWatcher) TouchFinished(engine.Finished) {}

func (w *claimWatcher) ClaimLost(t engine.Touch) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lost = append(w.lost, t.ID)
}

// TestLostClaimIsLoudAndCounted: a touch taken over by another worker while
// this one delivered (its lease ran out: a stalled process) is not finished
// by the first; the loss is logged at ERROR with the touch id and told to
// the ClaimObserver.
func TestLostClaimIsLoudAndCounted(t *testing.T) {
	t.Parallel()
	var f *fixture
	var stolen engine.Touch
	m := &mailer{during: func(ctx context.Context) {
		if _, err := f.store.Pool().Exec(ctx, `UPDATE touches SET lease_until = $1`, f.clock.Now().Add(-time.Second)); err != nil {
			t.Error(err)
		}
		var ok bool
		var err error
		if stolen, ok, err = f.store.Claim(ctx, stolen.ID, f.clock.Now(), f.clock.Now().Add(time.Minute)); err != nil || !ok {
			t.Errorf("the other worker's Claim = %v, %v", ok, err)
		}
	}}
	var logs syncBuffer
	w := &claimWatcher{}
	f = setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: m}, nil, func(c *engine.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		c.Observer = w
	})
	stolen = f.dueEmail()
	if err := f.eng.Process(f.ctx, stolen.ID); err != nil {
		t.Fatal(err)
	}
	got := f.stored(stolen.ID)
	if got.State != engine.TouchRunning || got.Attempts != 2 {
		t.Fatalf("touch = %s attempt %d; want still running under the other worker's claim", got.State, got.Attempts)
	}
	want := fmt.Sprintf("level=ERROR msg=\"touch claimed again while this worker carried it out: it may have gone out twice\" touch=%d", stolen.ID)
	if !strings.Contains(logs.String(), want) || len(w.lost) != 1 || w.lost[0] != stolen.ID {
		t.Fatalf("lost claims heard %v; log:\n%s", w.lost, logs.String())
	}
}
