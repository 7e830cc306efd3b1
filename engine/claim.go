package engine

import (
	"context"
	"errors"
	"fmt"
)

// claimed is what a worker gets back from claiming a touch with others.
type claimed struct {
	ran   bool  // the batch ran; false only when it panicked
	err   error // the claim failed: nothing was claimed
	ok    bool  // the touch is this worker's now (see Store.Claim)
	touch Touch
	// work is the claimed touch's work, read with the batch; nil when the
	// worker must read it on its own (workErr nil) or it could not be read.
	work    *Work
	workErr error
}

// errClaimPanicked is the claim error of a batch whose run panicked.
var errClaimPanicked = errors.New("the claim batch stopped")

// claim claims touch id together with the touches other workers ask for
// meanwhile, and reads their work in the same breath: two round trips for
// the whole batch (see batcher).
func (e *Engine) claim(ctx context.Context, id int64) claimed {
	c := e.claims.do(claimRequest{ctx, id})
	if !c.ran {
		c.err = errClaimPanicked
	}
	return c
}

// claimRequest is one worker's claim: the touch and the worker's context.
type claimRequest struct {
	ctx context.Context
	id  int64
}

// claimAll claims the touches of one batch with Store.ClaimAll and reads
// their work with Store.WorkAll. The batch runs in the context of the
// worker that runs it, without its cancellation (a claim made must reach
// its worker) but bounded by the lease. Each id gets the touch once: a
// second task for the same touch in the batch finds it held. When WorkAll
// fails, each worker reads its touch's work on its own, so one unreadable
// touch does not fail the others.
func (e *Engine) claimAll(reqs []claimRequest) []claimed {
	ctx, cancel := e.within(context.WithoutCancel(reqs[0].ctx), e.cfg.Lease)
	defer cancel()
	out := make([]claimed, len(reqs))
	ids := make([]int64, len(reqs))
	for i, r := range reqs {
		ids[i] = r.id
		out[i].ran = true
	}
	now := e.now()
	ts, err := e.cfg.Store.ClaimAll(ctx, ids, now, now.Add(e.cfg.Lease))
	if err != nil {
		for i := range out {
			out[i].err = err
		}
		return out
	}
	works, werr := e.cfg.Store.WorkAll(ctx, ts)
	if werr != nil {
		e.log.Warn("read the work of claimed touches together; each worker reads its own", "touches", len(ts), "err", werr)
	}
	held := make(map[int64]Touch, len(ts))
	for _, t := range ts {
		held[t.ID] = t
	}
	for i, id := range ids {
		t, ok := held[id]
		if !ok {
			continue
		}
		delete(held, id)
		out[i].ok, out[i].touch = true, t
		if werr != nil {
			continue
		}
		if w, ok := works[id]; ok {
			out[i].work = &w
		} else {
			out[i].workErr = fmt.Errorf("work for touch %d: %w", id, ErrNotFound)
		}
	}
	return out
}
