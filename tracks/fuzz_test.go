package tracks

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"0d", "90min", "3bd", "17mo", "100y", "-1d", "3x", "", "99999999999999999999y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d.N < 0 || d.N > maxN[d.Unit] {
			t.Fatalf("ParseDuration(%q) = %v: out of range", s, d)
		}
		if again, err := ParseDuration(d.String()); err != nil || again != d {
			t.Fatalf("ParseDuration(%q) = %v, but its String parses as %v, %v", s, d, again, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	var files []string
	for _, pattern := range []string{"testdata/*.yaml", "testdata/good/*.yaml", "library/*.yaml"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, matches...)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	anchor := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		tr, err := Parse("fuzz.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || tr != nil {
				t.Fatalf("Parse returned %v (%T) and track %v", err, err, tr)
			}
			return
		}
		if len(tr.Steps) == 0 || !validID(tr.ID) {
			t.Fatalf("Parse accepted a track without steps or id: %+v", tr)
		}
		for _, tz := range []string{"", "America/Los_Angeles"} {
			plan := tr.Plan(anchor, tz)
			for i := 1; i < len(plan); i++ {
				if tr.Steps[i].After != nil && plan[i].Due.Before(plan[i-1].Due) {
					t.Fatalf("step %d after %v is due before the previous step", i, tr.Steps[i].After)
				}
			}
		}
	})
}
