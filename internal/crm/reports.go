package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/report"
	"github.com/dripline/dripline/tracks"
)

// ReportStore reads the figures of the reports: PostgreSQL in production.
// Each method sums over the span and rep r selects. Those counting by day,
// week or month take the periods' starts (a Calendar's) and say which
// period (an index into starts) each count is for.
type ReportStore interface {
	// Reps lists every rep by username.
	Reps(ctx context.Context) ([]engine.Rep, error)
	// PointsByMonth sums the points of done activities by rep and month of
	// completion.
	PointsByMonth(ctx context.Context, r ReportSpan, starts []time.Time) ([]MonthPoints, error)
	// SourceTotals counts leads, won opportunities and revenue by the
	// contacts' lead source and campaign, with each campaign's cost.
	SourceTotals(ctx context.Context, r ReportSpan) ([]SourceRow, error)
	// OpenByStage counts open opportunities and sums their revenue by stage
	// (the span is not used: the pipeline is as it stands).
	OpenByStage(ctx context.Context, r ReportSpan) ([]StageTotal, error)
	// LeadsByDay counts contacts created by owner, day and lead source.
	LeadsByDay(ctx context.Context, r ReportSpan, starts []time.Time) ([]DayLeads, error)
	// OpenActivityCounts counts each rep's open activities due in
	// [r.From, r.Until) and due before r.From.
	OpenActivityCounts(ctx context.Context, r ReportSpan) ([]FollowupRow, error)
	// ScheduledWork counts touches not carried out yet, due in the span, by
	// the contact's owner, track, step, channel and period (ISO weeks).
	ScheduledWork(ctx context.Context, r ReportSpan, starts []time.Time) ([]ScheduledTouches, error)
	// StepOutcomes counts touches due in the span by track, step and outcome.
	StepOutcomes(ctx context.Context, r ReportSpan) ([]TrackRow, error)
}

// ReportSpan is what a report's store query covers.
type ReportSpan struct {
	From, Until time.Time // [From, Until)
	Zone        string    // IANA zone of days, weeks, months and close dates
	RepID       int64     // only this rep's rows; 0 for every rep
}

// ReportQuery asks for a report.
type ReportQuery struct {
	From, Until time.Time // zero: the report's default span (see ReportNames)
	TimeZone    string    // IANA zone of days, months and weeks; default UTC
}

// ReportsConfig wires a Reports service. Store is required.
type ReportsConfig struct {
	Store ReportStore
	// Library names the rep each call and task step assigns (assign:), for
	// the forecast; without it every touch counts for the contact's owner.
	Library *tracks.Library
	// Stages are the pipeline's stage probabilities; nil takes DefaultStages.
	Stages Stages
	Clock  Clock // default the wall clock
}

// Reports builds the managers' reports.
type Reports struct {
	cfg ReportsConfig
}

// NewReports returns the reports over cfg.Store.
func NewReports(cfg ReportsConfig) (*Reports, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("crm: reports need a store")
	}
	if cfg.Stages == nil {
		cfg.Stages = DefaultStages()
	}
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	return &Reports{cfg: cfg}, nil
}

// reportFunc builds one report over a span.
type reportFunc func(r *Reports, ctx context.Context, span ReportSpan) (report.Table, error)

// reportDef is one report: its builder and its default span.
type reportDef struct {
	build reportFunc
	// span is the default [from, until) around now, in loc.
	span func(now time.Time, loc *time.Location) (time.Time, time.Time)
}

// reports lists every report by the name the command line and the API use.
var reports = map[string]reportDef{
	"points":    {(*Reports).points, thisMonth},
	"sources":   {(*Reports).sources, thisMonth},
	"pipeline":  {(*Reports).pipeline, thisMonth},
	"traffic":   {(*Reports).traffic, thisMonth},
	"followups": {(*Reports).followups, today},
	"forecast":  {(*Reports).forecast, eightWeeks},
	"tracks":    {(*Reports).tracks, allTime},
}

// ReportNames lists the reports in the order DESIGN.md gives them.
func ReportNames() []string {
	return []string{"points", "sources", "pipeline", "traffic", "followups", "forecast", "tracks"}
}

// Report builds the report named for a: a sales rep gets its own rows only
// (the access rule in access.go). An unknown name or time zone is a validation error.
func (r *Reports) Report(ctx context.Context, a Actor, name string, q ReportQuery) (report.Table, error) {
	def, ok := reports[name]
	if !ok {
		return report.Table{}, invalid("report", "%q: want one of %s", name, strings.Join(ReportNames(), ", "))
	}
	span, err := r.span(def, q)
	if err != nil {
		return report.Table{}, err
	}
	span.RepID = a.scope()
	t, err := def.build(r, ctx, span)
	if err != nil {
		return report.Table{}, fmt.Errorf("%s report: %w", name, err)
	}
	t.Name = name
	return t, nil
}

// span fills the query's missing ends with the report's defaults.
func (r *Reports) span(def reportDef, q ReportQuery) (ReportSpan, error) {
	loc := time.UTC
	if tz := strings.TrimSpace(q.TimeZone); tz != "" {
		l, ok := tracks.LoadZone(tz)
		if !ok {
			return ReportSpan{}, invalid("tz", "%q: not an IANA time zone such as America/New_York", tz)
		}
		loc = l
	}
	from, until := def.span(r.cfg.Clock.Now().In(loc), loc)
	if !q.From.IsZero() {
		from = q.From
	}
	if !q.Until.IsZero() {
		until = q.Until
	}
	if !until.After(from) {
		return ReportSpan{}, invalid("until", "%s is not after from %s", until.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	return ReportSpan{From: from.UTC(), Until: until.UTC(), Zone: loc.String()}, nil
}

// midnight is the start of t's day in loc.
func midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// thisMonth is the current month.
func thisMonth(now time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, _ := now.Date()
	first := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	return first, first.AddDate(0, 1, 0)
}

// today is the current day.
func today(now time.Time, loc *time.Location) (time.Time, time.Time) {
	d := midnight(now, loc)
	return d, d.AddDate(0, 0, 1)
}

// eightWeeks is the current ISO week and the seven after it.
func eightWeeks(now time.Time, loc *time.Location) (time.Time, time.Time) {
	d := midnight(now, loc)
	monday := d.AddDate(0, 0, -(int(d.Weekday())+6)%7)
	return monday, monday.AddDate(0, 0, 7*8)
}

// allTime is every instant a report can hold.
func allTime(time.Time, *time.Location) (time.Time, time.Time) {
	return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
}
