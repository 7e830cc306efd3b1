package storetest

import (
	"errors"
	"time"

	"github.com/dripline/dripline/engine"
)

// releaseOutageCountsApart: a touch handed back for an outage of its
// channel's transport counts the attempt in Outages as well, so the engine
// can tell real tries from held ones, while Attempts stays the fence: a
// stale claim cannot release it, and a plain Release counts no outage.
func releaseOutageCountsApart(e *env) {
	_, tc := e.claimed()
	if err := e.s.ReleaseUncharged(e.ctx, tc.ID, tc.Attempts+1, "stale"); !errors.Is(err, engine.ErrConflict) {
		e.t.Fatalf("ReleaseUncharged with a stale attempt = %v, want ErrConflict", err)
	}
	if got := e.touch(tc.ID); got.State != engine.TouchRunning || got.Outages != 0 {
		e.t.Fatalf("stale ReleaseUncharged changed the touch: %s, %d outages", got.State, got.Outages)
	}
	if err := e.s.ReleaseUncharged(e.ctx, tc.ID, tc.Attempts, "smtp refuses our sessions"); err != nil {
		e.t.Fatal(err)
	}
	got := e.touch(tc.ID)
	if got.State != engine.TouchQueued || got.Reason != "smtp refuses our sessions" || got.Attempts != 1 || got.Outages != 1 || !got.LeaseUntil.IsZero() {
		e.t.Fatalf("touch released for an outage = %+v; want queued with the reason, 1 attempt, 1 outage, no lease", got)
	}
	if err := e.s.ReleaseUncharged(e.ctx, tc.ID, tc.Attempts, "again"); !errors.Is(err, engine.ErrConflict) {
		e.t.Fatalf("ReleaseUncharged of a touch no longer running = %v, want ErrConflict", err)
	}
	again, ok, err := e.s.Claim(e.ctx, tc.ID, T0.Add(time.Minute), T0.Add(2*time.Minute))
	if err != nil || !ok || again.Attempts != 2 || again.Outages != 1 {
		e.t.Fatalf("Claim after an outage = %+v, %v, %v; want attempt 2 with 1 outage", again, ok, err)
	}
	if err := e.s.Release(e.ctx, tc.ID, again.Attempts, engine.TouchQueued, "451 try later"); err != nil {
		e.t.Fatal(err)
	}
	if got := e.touch(tc.ID); got.Attempts != 2 || got.Outages != 1 {
		e.t.Fatalf("after a plain Release: %d attempts, %d outages; want 2, 1", got.Attempts, got.Outages)
	}
}
