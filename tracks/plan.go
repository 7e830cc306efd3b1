package tracks

import (
	"encoding/json"
	"time"
)

// Due returns the final due time of step i, in loc (see Location). The raw
// due time is anchor + the step's `at`, or prevDue (the previous step's final
// due time) + its `after`; the first step's `after` counts from the anchor.
// The final due time is the first instant at or after the raw one inside the
// window, if the track has one. The engine calls Due step by step; Plan
// calls it for every step.
func (t *Track) Due(i int, anchor, prevDue time.Time, loc *time.Location) time.Time {
	s := &t.Steps[i]
	from, d := anchor, s.At
	if s.At == nil {
		d = s.After
		if i > 0 {
			from = prevDue
		}
	}
	due := from.In(loc)
	if d != nil {
		due = add(from, *d, loc, t.businessDays())
	}
	if t.Window == nil {
		return due
	}
	return t.Window.Next(due, loc)
}

// Plan returns the final due time of every step for a contact in zone
// contactTZ (empty when unknown) enrolled at anchor.
func (t *Track) Plan(anchor time.Time, contactTZ string) []PlannedTouch {
	loc := t.Location(contactTZ)
	plan := make([]PlannedTouch, len(t.Steps))
	prev := anchor
	for i, s := range t.Steps {
		prev = t.Due(i, anchor, prev, loc)
		plan[i] = PlannedTouch{Step: s.ID, Channel: s.Channel, Due: prev}
	}
	return plan
}

// MarshalJSON writes {"step":…,"channel":…,"due":…} with due in UTC,
// RFC 3339.
func (p PlannedTouch) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Step    string  `json:"step"`
		Channel Channel `json:"channel"`
		Due     string  `json:"due"`
	}{p.Step, p.Channel, p.Due.UTC().Format(time.RFC3339Nano)})
}

// MarshalPlan returns the plan of track id as the one-line JSON document
// `dripline tracks plan --format json` prints:
//
//	{"track":"general-interest","steps":[{"step":"welcome","channel":"email","due":"2026-01-05T17:00:00Z"}]}
func MarshalPlan(id string, plan []PlannedTouch) ([]byte, error) {
	if plan == nil {
		plan = []PlannedTouch{}
	}
	return json.Marshal(struct {
		Track string         `json:"track"`
		Steps []PlannedTouch `json:"steps"`
	}{id, plan})
}
