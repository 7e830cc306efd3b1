package report

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestOutcome(t *testing.T) {
	for _, tt := range []struct {
		state engine.TouchState
		want  string
	}{
		{engine.TouchScheduled, "pending"},
		{engine.TouchQueued, "pending"},
		{engine.TouchRunning, "pending"},
		{engine.TouchDone, "done"},
		{engine.TouchSkipped, "skipped"},
		{engine.TouchCanceled, "canceled"},
		{engine.TouchFailed, "failed"},
	} {
		if got := Outcome(tt.state); got != tt.want {
			t.Errorf("Outcome(%q) = %q, want %q", tt.state, got, tt.want)
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tt := range []struct {
		c    engine.Contact
		want string
	}{
		{engine.Contact{ExternalID: "c-17", Email: "ann@example.com"}, "c-17"},
		{engine.Contact{Email: "ann@example.com"}, "ann@example.com"},
		{engine.Contact{}, ""},
	} {
		if got := Label(tt.c); got != tt.want {
			t.Errorf("Label(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

// TestShape checks the JSON line against DESIGN.md's example.
func TestShape(t *testing.T) {
	due := time.Date(2026, 2, 4, 9, 0, 0, 0, time.FixedZone("PST", -8*3600))
	b, err := json.Marshal(Touch{Contact: "c-17", Track: "after-sale", Step: "day-4", Channel: "call",
		Due: FormatDue(due), Outcome: Outcome(engine.TouchDone)})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"contact":"c-17","track":"after-sale","step":"day-4","channel":"call","due":"2026-02-04T17:00:00Z","outcome":"done","reason":""}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
