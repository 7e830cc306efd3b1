package engine

import (
	"context"
	"errors"
	"fmt"
)

// claimed is what a worker gets back from claiming a touch with others.
type claimed struct {
	ran   bool  // the batch ran; false only when it panicked
	alone bool  // the batch could not claim: claim the touch on its own
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
	var c claimed
	if e.cfg.Simulated { // one touch at a time: nothing to batch
		c = claimed{ran: true, alone: true}
	} else {
		c = e.claims.do(claimRequest{ctx, id})
	}
	switch {
	case !c.ran:
		c.err = errClaimPanicked
	case c.alone:
		now := e.now()
		c.touch, c.ok, c.err = e.cfg.Store.Claim(ctx, id, now, now.Add(e.cfg.Lease))
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
// its worker) but bounded by the lease; a worker whose own context has
// ended is left out, as a claim it could not use or release would hold its
// touch until the lease ran out. Each id gets the touch once: a second task
// for the same touch in the batch finds it held. When ClaimAll fails (it
// does not wait for a touch another transaction holds, so that one locked
// touch neither holds up the batch nor eats into its leases), each worker
// claims its touch on its own; when WorkAll fails, each reads its touch's
// work on its own, so one unreadable touch does not fail the others.
func (e *Engine) claimAll(reqs []claimRequest) []claimed {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqs[0].ctx), e.cfg.Lease) // never in a simulation
	defer cancel()
	out := make([]claimed, len(reqs))
	ids := make([]int64, 0, len(reqs))
	for i, r := range reqs {
		out[i].ran = true
		if out[i].err = r.ctx.Err(); out[i].err == nil {
			ids = append(ids, r.id)
		}
	}
	if len(ids) == 0 {
		return out
	}
	now := e.now()
	ts, err := e.cfg.Store.ClaimAll(ctx, ids, now, now.Add(e.cfg.Lease))
	if err != nil {
		e.log.Debug("claim touches together failed; each worker claims its own", "touches", len(ids), "err", err)
		for i := range out {
			out[i].alone = out[i].err == nil
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
	for i, r := range reqs {
		id := r.id
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
