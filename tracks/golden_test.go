package tracks

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/plan/*.json from the current output")

// TestPlanGolden checks the JSON plan of every default library track for a
// contact in Los Angeles enrolled on Monday 2026-01-05 at 09:00 local time.
func TestPlanGolden(t *testing.T) {
	lib, err := Default(Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	for _, tr := range lib.Tracks() {
		t.Run(tr.ID, func(t *testing.T) {
			got, err := MarshalPlan(tr.ID, tr.Plan(start, "America/Los_Angeles"))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			file := filepath.Join("testdata", "plan", tr.ID+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./tracks -run TestPlanGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("plan of %s differs from %s:\n got %s\nwant %s", tr.ID, file, got, want)
			}
		})
	}
}
