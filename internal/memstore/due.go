package memstore

import "time"

// dueEntry is a scheduled touch in the due heap.
type dueEntry struct {
	due time.Time
	id  int64
}

// dueHeap orders scheduled touches by due time, then id: a binary heap
// kept by hand, for container/heap would box every entry it moves in or out.
type dueHeap []dueEntry

func (h dueHeap) less(i, j int) bool {
	if c := h[i].due.Compare(h[j].due); c != 0 {
		return c < 0
	}
	return h[i].id < h[j].id
}

// push adds an entry.
func (h *dueHeap) push(e dueEntry) {
	*h = append(*h, e)
	q := *h
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
}

// pop removes and returns the earliest entry; the heap must not be empty.
func (h *dueHeap) pop() dueEntry {
	q := *h
	top, n := q[0], len(q)-1
	q[0] = q[n]
	q = q[:n]
	for i := 0; ; {
		least, l, r := i, 2*i+1, 2*i+2
		if l < n && q.less(l, least) {
			least = l
		}
		if r < n && q.less(r, least) {
			least = r
		}
		if least == i {
			break
		}
		q[i], q[least] = q[least], q[i]
		i = least
	}
	*h = q
	return top
}
