package tracks

import "testing"

// trackOf parses a track written inline whose window block is window (""
// for none) and whose steps are steps.
func trackOf(t *testing.T, window, steps string) *Track {
	t.Helper()
	src := "id: shapes\nname: Shapes\n" + window + "steps:\n" + steps
	tr, err := Parse("shapes.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	return tr
}

// TestPlanShapes covers plans the other tables miss: business days counted
// from a weekend in whole weeks, business days that follow window.days, and a
// one-day window reached after its hours on that very day.
func TestPlanShapes(t *testing.T) {
	const (
		weekdaysUTC = "window: { days: [mon, tue, wed, thu, fri], hours: \"09:00-17:00\", timezone: UTC }\n"
		monWedFri   = "window: { days: [mon, wed, fri], hours: \"09:00-17:00\", timezone: UTC }\n"
		mondays     = "window: { days: [mon], hours: \"09:00-17:00\", timezone: Europe/Berlin }\n"
		allDays     = "window: { hours: \"09:00-17:00\", timezone: UTC }\n"
		allHours    = "window: { days: [mon], timezone: UTC }\n"
	)
	at := func(d string) string { return "  - id: s\n    at: " + d + "\n    call: { subject: hi }\n" }
	two := func(a, b string) string {
		return "  - id: s1\n    at: " + a + "\n    call: { subject: hi }\n  - id: s2\n    after: " + b + "\n    call: { subject: hi }\n"
	}
	tests := []struct {
		name   string
		window string
		steps  string
		anchor string // 2026-01-10 is a Saturday, 2026-01-05 and 2026-01-12 Mondays
		want   []string
	}{
		// from a weekend, n a multiple of the week's business days lands on a Friday
		{"sat+5bd", weekdaysUTC, at("5bd"), "2026-01-10T10:00:00Z", []string{"2026-01-16T10:00:00Z"}},
		{"sun+5bd", weekdaysUTC, at("5bd"), "2026-01-11T10:00:00Z", []string{"2026-01-16T10:00:00Z"}},
		{"sat+10bd", weekdaysUTC, at("10bd"), "2026-01-10T10:00:00Z", []string{"2026-01-23T10:00:00Z"}},
		{"sat+6bd", weekdaysUTC, at("6bd"), "2026-01-10T10:00:00Z", []string{"2026-01-19T10:00:00Z"}},
		{"sat+5bd, no window", "", at("5bd"), "2026-01-10T10:00:00Z", []string{"2026-01-16T10:00:00Z"}},
		{"fri+5bd", weekdaysUTC, at("5bd"), "2026-01-09T10:00:00Z", []string{"2026-01-16T10:00:00Z"}},
		// bd counts the window's days, not Mon–Fri
		{"mon+2bd mon-wed-fri", monWedFri, at("2bd"), "2026-01-05T10:00:00Z", []string{"2026-01-09T10:00:00Z"}},
		{"sat+3bd mon-wed-fri", monWedFri, at("3bd"), "2026-01-10T10:00:00Z", []string{"2026-01-16T10:00:00Z"}},
		{"after 1bd mon-wed-fri", monWedFri, two("0d", "1bd"), "2026-01-05T10:00:00Z",
			[]string{"2026-01-05T10:00:00Z", "2026-01-07T10:00:00Z"}},
		{"window of every day: fri+1bd is sat", allDays, at("1bd"), "2026-01-09T10:00:00Z", []string{"2026-01-10T10:00:00Z"}},
		{"mondays: sat+1bd", mondays, at("1bd"), "2026-01-10T10:00:00Z", []string{"2026-01-12T10:00:00Z"}},
		{"mondays: mon+2bd", mondays, at("2bd"), "2026-01-05T10:00:00Z", []string{"2026-01-19T10:00:00Z"}},
		// a one-day window reached after hours on that day waits a week
		{"monday after hours", mondays, at("0d"), "2026-01-05T17:30:00Z", []string{"2026-01-12T08:00:00Z"}},
		{"monday at the end", mondays, at("0d"), "2026-01-05T16:00:00Z", []string{"2026-01-12T08:00:00Z"}},
		{"monday last minute", mondays, at("0d"), "2026-01-05T15:59:00Z", []string{"2026-01-05T15:59:00Z"}},
		{"monday before hours", mondays, at("0d"), "2026-01-05T06:00:00Z", []string{"2026-01-05T08:00:00Z"}},
		{"tuesday to monday", mondays, at("0d"), "2026-01-06T10:00:00Z", []string{"2026-01-12T08:00:00Z"}},
		{"mondays: after 1d from monday", mondays, two("0d", "1d"), "2026-01-05T10:00:00Z",
			[]string{"2026-01-05T10:00:00Z", "2026-01-12T08:00:00Z"}},
		// a window without hours is open all day
		{"days only: late evening", allHours, at("0d"), "2026-01-05T23:30:00Z", []string{"2026-01-05T23:30:00Z"}},
		{"days only: midnight", allHours, at("0d"), "2026-01-04T23:59:00Z", []string{"2026-01-05T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := trackOf(t, tt.window, tt.steps)
			plan := tr.Plan(mustTime(t, tt.anchor), "")
			if len(plan) != len(tt.want) {
				t.Fatalf("%d touches, want %d", len(plan), len(tt.want))
			}
			for i, p := range plan {
				if got := p.Due.UTC().Format("2006-01-02T15:04:05Z07:00"); got != tt.want[i] {
					t.Errorf("touch %d due %s, want %s", i, got, tt.want[i])
				}
			}
		})
	}
}
