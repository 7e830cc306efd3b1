package sim

import (
	"context"
	"sync"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/templates"
)

// unsubscribeURL is the link every simulated email carries.
const unsubscribeURL = "https://unsubscribe.invalid/u/simulated"

// renderOnly stands in for the email channel in a simulation: it reaches the
// same contacts, renders the step's template exactly as the real channel
// would, so a broken template fails the touch, and sends nothing.
//
// Whether a render succeeds depends only on what
// templates.Set.AppendEmailOutcome writes of the merge data, so renderOnly
// keeps each success under that and renders again only data it has not
// seen: contacts alike in what a template reads (the same rep and business,
// names that are plain text) cost one render. A failure is rendered each
// time, so that its error names the contact's own data.
type renderOnly struct {
	engine.EmailReach
	set  *templates.Set
	seen *successes // shared by the shards of a run
}

func (r renderOnly) Deliver(_ context.Context, d engine.Dispatch) (engine.Outcome, error) {
	data := d.MergeData()
	data.UnsubscribeURL = unsubscribeURL
	name := d.Step.Action.Template
	key := keys.Get().(*[]byte)
	defer keys.Put(key)
	var ok bool
	*key, ok = r.set.AppendEmailOutcome(append(append((*key)[:0], name...), 0), name, data)
	if ok && r.seen.has(*key) {
		return engine.Outcome{}, nil
	}
	if _, err := r.set.Email(name, data); err != nil {
		return engine.Outcome{}, engine.Permanent(err)
	}
	if ok {
		r.seen.add(string(*key))
	}
	return engine.Outcome{}, nil
}

// successes holds the keys of renders that succeeded, up to maxSuccesses
// of them; past that, renders are not kept.
type successes struct {
	mu sync.RWMutex
	m  map[string]struct{}
}

// maxSuccesses bounds the memory successes take: some tens of MB.
const maxSuccesses = 1 << 17

// keys are the buffers renderOnly writes its keys into.
var keys = sync.Pool{New: func() any { return new([]byte) }}

// has reports whether a render under key succeeded.
func (o *successes) has(key []byte) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	_, ok := o.m[string(key)]
	return ok
}

// add keeps a success under key, while there is room.
func (o *successes) add(key string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[string]struct{}{}
	}
	if len(o.m) < maxSuccesses {
		o.m[key] = struct{}{}
	}
}
