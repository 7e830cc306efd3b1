package sim

import (
	"container/heap"
	"sort"
	"sync"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/memstore"
	"github.com/dripline/dripline/internal/progress"
	"github.com/dripline/dripline/internal/report"
)

// shard is a part of a simulation that runs on its own.
type shard struct {
	contacts []int          // indexes into Options.Contacts, in order
	events   []engine.Event // ContactID is an index into Options.Contacts; in time order
}

// split deals the contacts, with their events, into n shards. Contacts
// that share an email address (compared as memstore.EmailKey compares it) or an
// output label go to the same shard; the order of contacts and of events
// within a shard is their order in the whole.
func split(contacts []engine.Contact, events []engine.Event, n int) []shard {
	group := groups(contacts)
	shards := make([]shard, n)
	for i := range contacts {
		s := &shards[group[i]%n]
		s.contacts = append(s.contacts, i)
	}
	for _, ev := range events {
		s := &shards[group[ev.ContactID]%n]
		s.events = append(s.events, ev)
	}
	return shards
}

// groups numbers the sets of contacts tied by a shared email address or
// label, in the order of each set's first contact, and returns each
// contact's number.
func groups(contacts []engine.Contact) []int {
	parent := make([]int, len(contacts))
	root := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	first := map[string]int{}
	for i, c := range contacts {
		parent[i] = i
		keys := []string{"label:" + report.Label(c)}
		if c.Email != "" {
			keys = append(keys, "email:"+memstore.EmailKey(c.Email))
		}
		for _, k := range keys {
			j, ok := first[k]
			if !ok {
				first[k] = i
				continue
			}
			if a, b := root(i), root(j); a != b {
				parent[max(a, b)] = min(a, b) // the root stays the set's first contact
			}
		}
	}
	number := map[int]int{}
	out := make([]int, len(contacts))
	for i := range contacts {
		r := root(i)
		if _, ok := number[r]; !ok {
			number[r] = len(number)
		}
		out[i] = number[r]
	}
	return out
}

// dayCount shows the days the shards pass as days of the whole run: a day
// once every shard could have passed it.
type dayCount struct {
	bar    *progress.Bar
	shards int64

	mu     sync.Mutex
	passed int64
}

// add counts a day one shard passed.
func (d *dayCount) add() {
	if d.bar == nil {
		return
	}
	d.mu.Lock()
	d.passed++
	whole := d.passed%d.shards == 0
	d.mu.Unlock()
	if whole {
		d.bar.Add(1)
	}
}

// merge merges the shards' outputs, each ordered by due time then contact,
// into one so ordered, with up to workers goroutines: each takes the touches
// between two cut keys from every part. Two parts never hold the same
// contact label, so touches alike in due time and contact come from one
// part and stay in its order.
func merge(parts [][]report.Touch, workers int) []report.Touch {
	n, big := 0, 0
	for i, p := range parts {
		n += len(p)
		if len(p) > len(parts[big]) {
			big = i
		}
	}
	out := make([]report.Touch, n)
	if n == 0 {
		return out
	}
	// bounds[r][i] is where range r starts in part i; the last row ends them.
	bounds := make([][]int, workers+1)
	for r := range bounds {
		bounds[r] = make([]int, len(parts))
		for i, p := range parts {
			switch r {
			case 0:
			case workers:
				bounds[r][i] = len(p)
			default:
				cut := &parts[big][len(parts[big])*r/workers]
				bounds[r][i] = sort.Search(len(p), func(k int) bool { return !before(&p[k], cut) })
			}
		}
	}
	var wg sync.WaitGroup
	start := 0
	for r := range workers {
		sub := make([][]report.Touch, len(parts))
		size := 0
		for i, p := range parts {
			sub[i] = p[bounds[r][i]:bounds[r+1][i]]
			size += len(sub[i])
		}
		dst := out[start : start+size]
		start += size
		wg.Go(func() { mergeInto(dst, sub) })
	}
	wg.Wait()
	return out
}

// before reports whether x prints before y: earlier due, else smaller contact.
func before(x, y *report.Touch) bool {
	if x.Due != y.Due {
		return x.Due < y.Due
	}
	return x.Contact < y.Contact
}

// mergeInto merges parts, each ordered, into dst, which has room for all.
func mergeInto(dst []report.Touch, parts [][]report.Touch) {
	h := heads{parts: parts}
	for i, p := range parts {
		if len(p) > 0 {
			h.at = append(h.at, i)
		}
	}
	heap.Init(&h)
	for k := 0; h.Len() > 0; k++ {
		i := h.at[0]
		dst[k] = parts[i][0]
		if parts[i] = parts[i][1:]; len(parts[i]) > 0 {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
}

// heads is a heap of the parts that still hold touches, by their first.
type heads struct {
	parts [][]report.Touch
	at    []int
}

func (h heads) Len() int { return len(h.at) }

// Less orders by before alone: two parts' heads never tie, since a
// contact's label lives in one shard.
func (h heads) Less(a, b int) bool {
	return before(&h.parts[h.at[a]][0], &h.parts[h.at[b]][0])
}
func (h heads) Swap(a, b int) { h.at[a], h.at[b] = h.at[b], h.at[a] }
func (h *heads) Push(x any)   { h.at = append(h.at, x.(int)) }
func (h *heads) Pop() any {
	x := h.at[len(h.at)-1]
	h.at = h.at[:len(h.at)-1]
	return x
}
