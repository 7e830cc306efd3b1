package suggest

import (
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	keys := []string{"id", "name", "kind", "description", "enroll", "anchor", "exit", "window", "steps", "then"}
	templates := []string{"acct-intro", "birthday", "event-thanks", "gi-backup", "gi-welcome", "gi-welcome-letter", "lost-wedge"}
	tests := []struct {
		typo  string
		names []string
		max   int
		want  []string
	}{
		{"nmae", keys, 1, []string{"name"}}, // two edits
		{"emial", []string{"id", "at", "after", "email", "letter"}, 1, []string{"email"}},
		{"steps", keys, 1, []string{"steps"}}, // the name itself
		{"ix", keys, 1, []string{"id"}},       // one edit, shorter than "id"
		{"zzz", templates, 5, nil},
		{"gi-welcom", templates, 5, []string{"gi-welcome"}},
		{"welcome", templates, 5, []string{"gi-welcome", "gi-welcome-letter"}}, // a shared word
		{"gi-event-thanks", templates, 5, []string{"event-thanks"}},            // most shared words win
		{"gi-stuff", templates, 5, []string{"gi-backup", "gi-welcome", "gi-welcome-letter"}},
		{"gi-stuff", templates, 2, []string{"gi-backup", "gi-welcome"}},
		{"birt", templates, 5, []string{"birthday"}}, // a three-character prefix
		{"lost-wedges", templates, 5, []string{"lost-wedge"}},
		{"x", []string{"y", "ab"}, 1, nil}, // as many edits as the name is long
	}
	for _, tt := range tests {
		if got := Closest(tt.typo, tt.names, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q, %d) = %q, want %q", tt.typo, tt.max, got, tt.want)
		}
	}
}
