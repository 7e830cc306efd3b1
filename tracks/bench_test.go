package tracks

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// twentySteps is a year-long track of 20 steps in a contact-zone window,
// mixing every unit.
func twentySteps(tb testing.TB) *Track {
	tb.Helper()
	var b strings.Builder
	b.WriteString("id: bench\nname: Bench\nwindow: { days: [mon, tue, wed, thu, fri], hours: \"09:00-17:00\", timezone: contact, fallback: America/Chicago }\nsteps:\n")
	offsets := []string{"0d", "90min", "3bd", "2d", "1w", "2h", "5bd", "2w", "1mo", "10d"}
	for i := range 20 {
		fmt.Fprintf(&b, "  - id: s%d\n    after: %s\n    email: { template: t%d }\n", i, offsets[i%len(offsets)], i)
	}
	tr, err := Parse("bench.yaml", []byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return tr
}

func BenchmarkPlan(b *testing.B) {
	tr := twentySteps(b)
	anchor := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		tr.Plan(anchor, "America/Los_Angeles")
	}
}
