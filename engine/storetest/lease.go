package storetest

import (
	"errors"
	"time"

	"github.com/dripline/dripline/engine"
)

// renewLease: the current claim's lease moves on, so the touch is neither
// claimed again nor requeued after the first lease; a stale claim or a final
// touch renews nothing.
func renewLease(e *env) {
	_, tc := e.claimed()
	ok, err := e.s.RenewLease(e.ctx, tc.ID, tc.Attempts, T0.Add(5*time.Minute))
	if err != nil || !ok {
		e.t.Fatalf("RenewLease = %v, %v; want true", ok, err)
	}
	if got := e.touch(tc.ID); !got.LeaseUntil.Equal(T0.Add(5 * time.Minute)) {
		e.t.Fatalf("lease until %s after renewal, want T0+5m", got.LeaseUntil)
	}
	later := T0.Add(2 * time.Minute)
	if _, ok, err := e.s.Claim(e.ctx, tc.ID, later, later.Add(time.Minute)); err != nil || ok {
		e.t.Fatalf("Claim within the renewed lease = %v, %v; want not ok", ok, err)
	}
	if ts, err := e.s.Requeue(e.ctx, later, later, 10); err != nil || len(ts) != 0 {
		e.t.Fatalf("Requeue within the renewed lease = %v, %v; want none", ids(ts), err)
	}
	if ok, err := e.s.RenewLease(e.ctx, tc.ID, tc.Attempts+1, T0.Add(time.Hour)); err != nil || ok {
		e.t.Errorf("RenewLease with another attempt = %v, %v; want false", ok, err)
	}
	e.tx(func(tx engine.Tx) error {
		_, err := finishOne(e.ctx, tx, tc.ID, tc.Attempts, engine.TouchDone, "", later)
		return err
	})
	if ok, err := e.s.RenewLease(e.ctx, tc.ID, tc.Attempts, T0.Add(time.Hour)); err != nil || ok {
		e.t.Errorf("RenewLease of a final touch = %v, %v; want false", ok, err)
	}
	if got := e.touch(tc.ID); !got.LeaseUntil.IsZero() {
		e.t.Errorf("final touch has a lease until %s", got.LeaseUntil)
	}
}

// messageIDKeptWithTheFinish: the Message-ID a finish records is kept on the touch, and
// rolled back with its transaction.
func messageIDKeptWithTheFinish(e *env) {
	_, tc := e.claimed()
	finish := func(tx engine.Tx, messageID string) error {
		_, err := tx.FinishAllClaimed(e.ctx, []engine.ClaimedFinish{
			{ID: tc.ID, Attempt: tc.Attempts, State: engine.TouchDone, MessageID: messageID}}, T0)
		return err
	}
	err := e.s.Tx(e.ctx, func(tx engine.Tx) error {
		if err := finish(tx, "<other@example.com>"); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		e.t.Fatalf("Tx = %v, want the rollback error", err)
	}
	if got := e.touch(tc.ID); got.MessageID != "" || got.State != engine.TouchRunning {
		e.t.Fatalf("rolled back: touch %s with message id %q, want running without one", got.State, got.MessageID)
	}
	e.tx(func(tx engine.Tx) error { return finish(tx, "<t1@example.com>") })
	if got := e.touch(tc.ID); got.MessageID != "<t1@example.com>" {
		e.t.Fatalf("message id %q, want <t1@example.com>", got.MessageID)
	}
}

// errRollback makes a transaction roll back.
var errRollback = errors.New("roll back")
