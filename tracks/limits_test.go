package tracks

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// trackWithSteps is a valid track whose steps are given as YAML lines.
func trackWithSteps(steps ...string) string {
	return "id: t\nname: T\nsteps:\n" + strings.Join(steps, "\n") + "\n"
}

// manySteps returns n call steps, each `after` the one before.
func manySteps(n int, after string) []string {
	steps := make([]string, n)
	for i := range steps {
		steps[i] = fmt.Sprintf("  - {id: s%d, after: %s, call: {subject: Call}}", i, after)
	}
	return steps
}

// TestTrackLimits: files, step counts and spans past the limits are
// refused with the place and the limit; files just inside are accepted.
func TestTrackLimits(t *testing.T) {
	tests := []struct {
		name, src, want string // want "" means accepted
	}{
		{"a file one byte too large", trackWithSteps(manySteps(1, "1d")...) + "#" + strings.Repeat("x", MaxFileSize), "f.yaml:1:1: file larger than 1048576 bytes: expected a track of at most 1024 KiB"},
		{"500 steps", trackWithSteps(manySteps(500, "1d")...), ""},
		{"501 steps", trackWithSteps(manySteps(501, "1d")...), "f.yaml:4:3: steps: 501 steps: expected at most 500"},
		{"one step at 100 years", trackWithSteps("  - {id: a, at: 100y, call: {subject: Call}}"), ""},
		{"one step at 36600 business days", trackWithSteps("  - {id: a, at: 36600bd, call: {subject: Call}}"), ""},
		{"steps 100 years apart, up to year 11000", trackWithSteps(manySteps(90, "100y")...),
			`f.yaml:13:5: step "s9" is due up to 1002 years after the anchor: expected at most 1000, so that every due date stays before year 9999`},
		{"at resets the span", trackWithSteps(append(manySteps(9, "100y"), "  - {id: b, at: 1d, call: {subject: Call}}", "  - {id: c, after: 100y, call: {subject: Call}}")...), ""},
		{"an unclosed [ on line 2", "id: t\nname: [T\nsteps: []\n", "f.yaml:2:7: invalid YAML: did not find expected ',' or ']': the [ here is not closed"},
		{"an unclosed { before the line yaml.v3 names", "id: t\nname: {a: 1\nsteps: 2\n", "f.yaml:2:7: invalid YAML: did not find expected ',' or '}': the { here is not closed"},
		{"an unclosed [ at the end", "id: t\nname: T\nsteps: [\n", "f.yaml:3:8: invalid YAML: did not find expected node content: the [ here is not closed"},
		{"brackets in quotes do not count", "id: t\nname: [']', T\n", "f.yaml:2:7: invalid YAML: did not find expected ',' or ']': the [ here is not closed"},
		{"a block error keeps its line", "id: t\nsteps:\n  - a: 1\n - b: 2\n", "f.yaml:4:1: invalid YAML: did not find expected key"},
	}
	for _, tt := range tests {
		_, err := Parse("f.yaml", []byte(tt.src))
		got := ""
		if err != nil {
			got = strings.Split(err.Error(), "\n")[0]
		}
		if got != tt.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestLoadReadsAtMostTheLimit: a huge track file is refused after reading
// little more than MaxFileSize.
func TestLoadReadsAtMostTheLimit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(path, []byte(trackWithSteps(manySteps(1, "1d")...)+"#"+strings.Repeat("x", 32<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := LoadFiles([]string{path}, Options{})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "huge.yaml:1:1: file larger than") {
		t.Fatalf("err = %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("refusing a 32 MiB file allocated %d MiB", n>>20)
	}
}
