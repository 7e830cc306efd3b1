package engine

import "sync"

// maxBatch bounds how many claims or finishes go to the store together.
const maxBatch = 128

// batcher runs the requests many goroutines make in batches, as a database
// commits a group: while one batch runs, the requests that arrive wait, and
// the first of them then runs them all as the next batch. A request made
// while nothing runs goes at once, alone, so batching adds no wait; under
// load the batches grow by themselves, up to max.
//
// The goroutine that runs a batch is one of its callers (never a goroutine
// of the batcher's own), so there is nothing to start or stop.
type batcher[Req, Res any] struct {
	run func(reqs []Req) []Res // one result per request, in order
	max int

	mu      sync.Mutex
	waiting []*call[Req, Res]
	busy    bool // a batch is running; when false, waiting is empty
}

// call is one request waiting in a batcher.
type call[Req, Res any] struct {
	req  Req
	res  Res
	lead bool          // set when done closes: run the next batch
	done chan struct{} // closed when res is set or lead
}

// newBatcher returns a batcher running its batches with run.
func newBatcher[Req, Res any](max int, run func([]Req) []Res) *batcher[Req, Res] {
	return &batcher[Req, Res]{run: run, max: max}
}

// do runs req in a batch and returns its result.
func (b *batcher[Req, Res]) do(req Req) Res {
	c := &call[Req, Res]{req: req, done: make(chan struct{})}
	b.mu.Lock()
	b.waiting = append(b.waiting, c)
	wait := b.busy
	b.busy = true
	b.mu.Unlock()
	if wait {
		if <-c.done; !c.lead {
			return c.res
		}
	}
	b.runBatch() // c is first in line, so in the batch
	return c.res
}

// runBatch runs the requests first in line, hands each its result and then
// hands the next batch to the first request still waiting. Should run panic,
// the others of the batch get the zero result (callers read it as "do it on
// your own" or "nothing done") and the panic goes on in this caller.
func (b *batcher[Req, Res]) runBatch() {
	b.mu.Lock()
	n := min(len(b.waiting), b.max)
	batch := b.waiting[:n:n]
	b.waiting = append([]*call[Req, Res](nil), b.waiting[n:]...)
	b.mu.Unlock()
	defer b.handOn(batch[1:]) // the first is the caller running this batch
	reqs := make([]Req, n)
	for i, c := range batch {
		reqs[i] = c.req
	}
	for i, r := range b.run(reqs) {
		batch[i].res = r
	}
}

// handOn wakes the others of a batch that ran and gives the next batch to
// the first request still waiting.
func (b *batcher[Req, Res]) handOn(others []*call[Req, Res]) {
	for _, c := range others {
		close(c.done)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.waiting) == 0 {
		b.busy = false
		return
	}
	next := b.waiting[0]
	next.lead = true
	close(next.done)
}
