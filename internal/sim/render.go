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
// A render depends only on what its template reads of the merge data
// (templates.Set.AppendEmailReads), so renderOnly keeps each outcome under that and
// renders again only data it has not seen: contacts alike in what a
// template reads (the same first name, rep and business, say) cost one render.
type renderOnly struct {
	engine.EmailReach
	set  *templates.Set
	seen *outcomes // shared by the shards of a run
}

func (r renderOnly) Deliver(_ context.Context, d engine.Dispatch) (engine.Outcome, error) {
	data := d.MergeData()
	data.UnsubscribeURL = unsubscribeURL
	name := d.Step.Action.Template
	key := keys.Get().(*[]byte)
	defer keys.Put(key)
	var ok bool
	*key, ok = r.set.AppendEmailReads(append(append((*key)[:0], name...), 0), name, data)
	seen, err := r.seen.get(*key)
	if !ok || !seen {
		_, err = r.set.Email(name, data)
		if ok {
			r.seen.put(string(*key), err)
		}
	}
	if err != nil {
		return engine.Outcome{}, engine.Permanent(err)
	}
	return engine.Outcome{}, nil
}

// outcomes holds render outcomes by template and what it read, up to
// maxOutcomes of them; past that, renders are not kept.
type outcomes struct {
	mu sync.RWMutex
	m  map[string]error
}

// maxOutcomes bounds the memory outcomes take: some tens of MB.
const maxOutcomes = 1 << 17

// keys are the buffers renderOnly writes its keys into.
var keys = sync.Pool{New: func() any { return new([]byte) }}

// get returns the outcome kept under key; ok is false when there is none.
func (o *outcomes) get(key []byte) (ok bool, err error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	err, ok = o.m[string(key)]
	return ok, err
}

// put keeps an outcome under key, while there is room.
func (o *outcomes) put(key string, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[string]error{}
	}
	if len(o.m) < maxOutcomes {
		o.m[key] = err
	}
}
