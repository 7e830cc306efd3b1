package crm

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// MonthPoints is the points one rep earned in one month (an index into
// the months asked for).
type MonthPoints struct {
	Rep    string
	Month  int
	Earned int
}

// PointsRow is one row of the points report: a rep's activity points in a
// month against the rep's monthly quota. Percent is earned / quota × 100,
// rounded to two decimals, null when the quota is 0.
type PointsRow struct {
	Rep     string   `json:"rep"`
	Month   string   `json:"month"`
	Earned  int      `json:"earned"`
	Quota   int      `json:"quota"`
	Percent *float64 `json:"percent"`
}

// Cells writes the row as text.
func (p PointsRow) Cells() []string {
	return []string{p.Rep, p.Month, strconv.Itoa(p.Earned), strconv.Itoa(p.Quota), ratio(p.Percent)}
}

// SourceRow is one row of the sources report: what one lead source and
// campaign brought in. ROI is (revenue − cost) / cost, null without a cost.
type SourceRow struct {
	LeadSource string   `json:"lead_source"`
	Campaign   string   `json:"campaign"`
	Leads      int      `json:"leads"`
	Won        int      `json:"won"`
	Revenue    float64  `json:"revenue"`
	Cost       float64  `json:"cost"`
	ROI        *float64 `json:"roi"`
}

// Cells writes the row as text.
func (s SourceRow) Cells() []string {
	return []string{s.LeadSource, s.Campaign, strconv.Itoa(s.Leads), strconv.Itoa(s.Won),
		money(s.Revenue), money(s.Cost), ratio(s.ROI)}
}

// StageTotal is the open opportunities of one stage.
type StageTotal struct {
	Stage  string
	Open   int
	Amount float64
}

// PipelineRow is one row of the pipeline report: the open opportunities of
// a stage, their revenue, and that revenue weighted by the stage's
// probability.
type PipelineRow struct {
	Stage    string  `json:"stage"`
	Open     int     `json:"open"`
	Amount   float64 `json:"amount"`
	Weighted float64 `json:"weighted"`
}

// Cells writes the row as text.
func (p PipelineRow) Cells() []string {
	return []string{p.Stage, strconv.Itoa(p.Open), money(p.Amount), money(p.Weighted)}
}

// DayLeads is how many leads of one source a rep got on one day (an index
// into the days asked for).
type DayLeads struct {
	Rep    string
	Day    int
	Source string
	Leads  int
}

// TrafficRow is one row of the traffic report: the leads logged for a rep
// on a day, and how many came from each lead source.
type TrafficRow struct {
	Rep      string         `json:"rep"`
	Day      string         `json:"day"`
	Leads    int            `json:"leads"`
	BySource map[string]int `json:"by_source"`
}

// Cells writes the row as text; by_source reads "Web=2; Trade Show=1".
func (t TrafficRow) Cells() []string {
	parts := make([]string, 0, len(t.BySource))
	for _, src := range slices.Sorted(maps.Keys(t.BySource)) {
		parts = append(parts, fmt.Sprintf("%s=%d", src, t.BySource[src]))
	}
	return []string{t.Rep, t.Day, strconv.Itoa(t.Leads), strings.Join(parts, "; ")}
}

// FollowupRow is one row of the followups report: a rep's open activities
// due today and those overdue.
type FollowupRow struct {
	Rep      string `json:"rep"`
	DueToday int    `json:"due_today"`
	Overdue  int    `json:"overdue"`
}

// Cells writes the row as text.
func (f FollowupRow) Cells() []string {
	return []string{f.Rep, strconv.Itoa(f.DueToday), strconv.Itoa(f.Overdue)}
}

// ScheduledTouches counts touches not carried out yet of one step in one
// ISO week (an index into the weeks asked for), by the contact's owner.
type ScheduledTouches struct {
	Owner   string
	Track   string
	Step    string
	Channel string
	Week    int
	Count   int
}

// TrackRow is one row of the tracks report: a step's touches by outcome.
type TrackRow struct {
	Track    string `json:"track"`
	Step     string `json:"step"`
	Channel  string `json:"channel"`
	Done     int    `json:"done"`
	Skipped  int    `json:"skipped"`
	Canceled int    `json:"canceled"`
	Failed   int    `json:"failed"`
	Pending  int    `json:"pending"`
}

// Cells writes the row as text.
func (t TrackRow) Cells() []string {
	return []string{t.Track, t.Step, t.Channel, strconv.Itoa(t.Done), strconv.Itoa(t.Skipped),
		strconv.Itoa(t.Canceled), strconv.Itoa(t.Failed), strconv.Itoa(t.Pending)}
}

// money writes an amount with cents.
func money(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// ratio writes a percentage or ratio, "" for null.
func ratio(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', -1, 64)
}

// round2 rounds to two decimals, as reports show ratios and amounts.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
