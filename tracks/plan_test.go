package tracks

import (
	"testing"
	"time"
)

func TestPlan(t *testing.T) {
	design := parseFile(t, "testdata/good/design-example.yaml")
	afterSale := parseFile(t, "testdata/good/fixed-zone.yaml")
	minimal := parseFile(t, "testdata/good/minimal.yaml")
	tests := []struct {
		name      string
		track     *Track
		anchor    string
		contactTZ string
		want      []string // due times, RFC 3339 in the plan's zone
	}{
		{"design example", design, "2026-01-05T17:00:00Z", "America/Los_Angeles",
			[]string{"2026-01-05T09:00:00-08:00", "2026-01-08T09:00:00-08:00", "2026-01-22T09:00:00-08:00"}},
		{"fallback zone", design, "2026-01-05T17:00:00Z", "",
			[]string{"2026-01-05T09:00:00-08:00", "2026-01-08T09:00:00-08:00", "2026-01-22T09:00:00-08:00"}},
		{"contact zone", design, "2026-01-05T17:00:00Z", "Europe/Berlin",
			[]string{"2026-01-06T09:00:00+01:00", "2026-01-09T09:00:00+01:00", "2026-01-23T09:00:00+01:00"}},
		{"friday evening", design, "2026-01-10T02:00:00Z", "America/Los_Angeles",
			[]string{"2026-01-12T09:00:00-08:00", "2026-01-15T09:00:00-08:00", "2026-01-29T09:00:00-08:00"}},
		{"inside the window", design, "2026-01-05T21:15:00Z", "America/Los_Angeles",
			[]string{"2026-01-05T13:15:00-08:00", "2026-01-08T13:15:00-08:00", "2026-01-22T13:15:00-08:00"}},
		{"across spring forward", design, "2026-02-27T18:00:00Z", "America/Los_Angeles",
			[]string{"2026-02-27T10:00:00-08:00", "2026-03-04T10:00:00-08:00", "2026-03-18T10:00:00-07:00"}},
		// at counts from the anchor; 2026-01-31 is a Saturday, the window Mon/Wed/Fri 08:30–24:00 Berlin
		{"at steps in a fixed zone", afterSale, "2026-01-31T10:00:00Z", "America/Los_Angeles",
			[]string{"2026-02-04T11:00:00+01:00", "2026-02-25T11:00:00+01:00", "2027-06-30T11:00:00+02:00"}},
		// without a window the contact's zone counts business days; the first after counts from the anchor
		{"no window", minimal, "2026-01-10T01:00:00Z", "America/Los_Angeles",
			[]string{"2026-01-12T17:00:00-08:00"}},
		{"no window, no zone", minimal, "2026-01-10T01:00:00Z", "",
			[]string{"2026-01-12T01:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := tt.track.Plan(mustTime(t, tt.anchor), tt.contactTZ)
			if len(plan) != len(tt.want) {
				t.Fatalf("%d touches, want %d", len(plan), len(tt.want))
			}
			for i, p := range plan {
				if p.Step != tt.track.Steps[i].ID || p.Channel != tt.track.Steps[i].Channel {
					t.Errorf("touch %d is %s/%s, want step %s", i, p.Step, p.Channel, tt.track.Steps[i].ID)
				}
				checkTime(t, p.Due, tt.want[i])
			}
		})
	}
}

func TestDueStepByStep(t *testing.T) {
	tr := parseFile(t, "testdata/good/design-example.yaml")
	loc := tr.Location("America/New_York")
	anchor := mustTime(t, "2026-01-05T12:00:00Z") // 07:00 in New York
	// the engine keeps the real due time of a touch that went out late
	sentLate := mustTime(t, "2026-01-09T20:00:00Z")
	checkTime(t, tr.Due(0, anchor, time.Time{}, loc), "2026-01-05T09:00:00-05:00")
	checkTime(t, tr.Due(1, anchor, sentLate, loc), "2026-01-14T15:00:00-05:00")
}

func TestMarshalPlan(t *testing.T) {
	la := mustZone(t, "America/Los_Angeles")
	plan := []PlannedTouch{{Step: "welcome", Channel: ChannelEmail, Due: time.Date(2026, 1, 5, 9, 0, 0, 0, la)}}
	tests := []struct {
		plan []PlannedTouch
		want string
	}{
		{plan, `{"track":"general-interest","steps":[{"step":"welcome","channel":"email","due":"2026-01-05T17:00:00Z"}]}`},
		{nil, `{"track":"general-interest","steps":[]}`},
	}
	for _, tt := range tests {
		got, err := MarshalPlan("general-interest", tt.plan)
		if err != nil || string(got) != tt.want {
			t.Errorf("MarshalPlan = %s, %v; want %s", got, err, tt.want)
		}
	}
}
