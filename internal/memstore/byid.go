package memstore

import "slices"

// byID holds values by id: a slice indexed by id serves where a map would
// hash; the zero value stands for none. The store's ids come from one
// counter shared by every kind of row, so each kind's slice has holes where
// the other kinds' ids fall (a simulated year's touches take about half
// their slots); a counter per kind measured no faster.
type byID[T any] []T

// at returns the value of id, or the zero value.
func (b byID[T]) at(id int64) T {
	if id < 0 || id >= int64(len(b)) {
		var zero T
		return zero
	}
	return b[id]
}

// lookup returns the value of id and whether there is one.
func lookup[T any](b byID[*T], id int64) (*T, bool) {
	v := b.at(id)
	return v, v != nil
}

// set sets the value of id; the zero value removes it.
func (b *byID[T]) set(id int64, v T) {
	if n := int(id) + 1; n > len(*b) {
		old := len(*b)
		*b = slices.Grow(*b, n-old)[:n]
		clear((*b)[old:])
	}
	(*b)[id] = v
}
