package sim

import (
	"cmp"
	"container/heap"
	"strings"
	"sync"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/progress"
	"github.com/dripline/dripline/internal/report"
)

// shard is a part of a simulation that runs on its own.
type shard struct {
	contacts []int          // indexes into Options.Contacts, in order
	events   []engine.Event // ContactID is an index into Options.Contacts; in time order
}

// split deals the contacts, with their events, into n shards. Contacts
// that share an email address (compared as the stores compare it) or an
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
	var root func(int) int
	root = func(i int) int {
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
			keys = append(keys, "email:"+strings.ToLower(strings.TrimSpace(c.Email)))
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
// into one so ordered. Two shards never hold the same contact label.
func merge(parts [][]report.Touch) []report.Touch {
	n := 0
	h := heads{parts: parts}
	for i, p := range parts {
		n += len(p)
		if len(p) > 0 {
			h.at = append(h.at, i)
		}
	}
	heap.Init(&h)
	out := make([]report.Touch, 0, n)
	for h.Len() > 0 {
		i := h.at[0]
		out = append(out, parts[i][0])
		if parts[i] = parts[i][1:]; len(parts[i]) > 0 {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return out
}

// heads is a heap of the parts that still hold touches, by their first.
type heads struct {
	parts [][]report.Touch
	at    []int
}

func (h heads) Len() int { return len(h.at) }
func (h heads) Less(a, b int) bool {
	x, y := h.parts[h.at[a]][0], h.parts[h.at[b]][0]
	return cmp.Or(cmp.Compare(x.Due, y.Due), cmp.Compare(x.Contact, y.Contact), cmp.Compare(h.at[a], h.at[b])) < 0
}
func (h heads) Swap(a, b int) { h.at[a], h.at[b] = h.at[b], h.at[a] }
func (h *heads) Push(x any)   { h.at = append(h.at, x.(int)) }
func (h *heads) Pop() any {
	x := h.at[len(h.at)-1]
	h.at = h.at[:len(h.at)-1]
	return x
}
