// Package suggest finds the names a mistyped name may have meant, for "did
// you mean" hints in error messages. It is the one implementation the track
// parser (unknown keys) and the template set (unknown templates) share.
package suggest

import (
	"slices"
	"strings"
)

// Closest returns up to max of names that typo may have meant, the likeliest
// first. Names at most two edits away (and fewer than their length) win,
// nearest first. Without any, the names sharing a word (split at -, _ and .)
// or a three-character prefix with typo count: those sharing the most words,
// keeping only those with at least half the longest common prefix, the
// longest prefix first. Ties keep the order of names.
func Closest(typo string, names []string, max int) []string {
	type scored struct {
		name                 string
		edits, words, prefix int
	}
	var near, alike []scored
	for _, n := range names {
		s := scored{n, distance(typo, n), sharedWords(typo, n), commonPrefix(typo, n)}
		switch {
		case s.edits <= 2 && s.edits < len(n):
			near = append(near, s)
		case s.words > 0 || s.prefix >= 3:
			alike = append(alike, s)
		}
	}
	var out []string
	if len(near) > 0 {
		slices.SortStableFunc(near, func(a, b scored) int { return a.edits - b.edits })
		for _, s := range near[:min(max, len(near))] {
			out = append(out, s.name)
		}
		return out
	}
	slices.SortStableFunc(alike, func(a, b scored) int {
		if a.words != b.words {
			return b.words - a.words
		}
		return b.prefix - a.prefix
	})
	for _, s := range alike {
		if len(out) == max || s.words < alike[0].words || 2*s.prefix < alike[0].prefix {
			break
		}
		out = append(out, s.name)
	}
	return out
}

// sharedWords counts the words of a that are also words of b.
func sharedWords(a, b string) int {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	}
	bw := split(b)
	n := 0
	for _, w := range split(a) {
		if slices.Contains(bw, w) {
			n++
		}
	}
	return n
}

// commonPrefix is the length in bytes of the longest common prefix.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
