package engine_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/tracks"
)

// sleeps is a virtual clock that counts the waits begun on it.
type sleeps struct {
	*clock.Virtual
	n atomic.Int32
}

func (c *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	c.n.Add(1)
	return c.Virtual.Sleep(ctx, d)
}

// TestSimulatedRenewsNoLease: a worker renews its lease while a channel
// delivers, waiting on the clock for the next renewal; a simulation's engine,
// whose clock stands still meanwhile, starts no renewal at all. The touch
// ends done either way.
func TestSimulatedRenewsNoLease(t *testing.T) {
	t.Parallel()
	for _, simulated := range []bool{false, true} {
		clk := &sleeps{}
		f := setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelEmail: &mailer{}}, nil, func(c *engine.Config) {
			clk.Virtual = c.Clock.(*clock.Virtual)
			c.Clock, c.Simulated = clk, simulated
		})
		tc := f.dueEmail()
		if err := f.eng.Process(f.ctx, tc.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.stored(tc.ID); got.State != engine.TouchDone {
			t.Fatalf("simulated=%v: touch is %s, want done", simulated, got.State)
		}
		if n := clk.n.Load(); simulated && n != 0 || !simulated && n == 0 {
			t.Errorf("simulated=%v: %d waits on the clock while delivering", simulated, n)
		}
	}
}
