package crm

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/report"
	"github.com/dripline/dripline/tracks"
)

// points lists, for every month the span touches, each sales rep (and any
// other rep that earned points) with its points against its quota.
func (r *Reports) points(ctx context.Context, span ReportSpan) (report.Table, error) {
	cal := calendar(span, byMonth)
	earned, err := r.cfg.Store.PointsByMonth(ctx, span, cal.Starts)
	if err != nil {
		return report.Table{}, err
	}
	reps, err := r.scopedReps(ctx, span.RepID)
	if err != nil {
		return report.Table{}, err
	}
	type key struct {
		rep   string
		month int
	}
	got := map[key]int{}
	for _, e := range earned {
		got[key{e.Rep, e.Month}] = e.Earned
	}
	t := report.Table{Columns: []string{"rep", "month", "earned", "quota", "percent"}}
	for month, name := range cal.Labels {
		for _, rep := range reps {
			n, ok := got[key{rep.Username, month}]
			if !ok && rep.Role != string(RoleSales) {
				continue
			}
			row := PointsRow{Rep: rep.Username, Month: name, Earned: n, Quota: rep.MonthlyQuota}
			if rep.MonthlyQuota > 0 {
				p := round2(float64(n) / float64(rep.MonthlyQuota) * 100)
				row.Percent = &p
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t, nil
}

// scopedReps lists the reps a report may show: every rep, or the one.
func (r *Reports) scopedReps(ctx context.Context, repID int64) ([]engine.Rep, error) {
	reps, err := r.cfg.Store.Reps(ctx)
	if err != nil || repID == 0 {
		return reps, err
	}
	return slices.DeleteFunc(reps, func(rep engine.Rep) bool { return rep.ID != repID }), nil
}

// sources adds the ROI to each lead source and campaign's totals.
func (r *Reports) sources(ctx context.Context, span ReportSpan) (report.Table, error) {
	rows, err := r.cfg.Store.SourceTotals(ctx, span)
	if err != nil {
		return report.Table{}, err
	}
	t := report.Table{Columns: []string{"lead_source", "campaign", "leads", "won", "revenue", "cost", "roi"}}
	for _, row := range rows {
		if row.Cost > 0 {
			roi := round2((row.Revenue - row.Cost) / row.Cost)
			row.ROI = &roi
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// pipeline lists the configured stages in funnel order, then the other
// stages open opportunities are in, each weighted by its probability.
func (r *Reports) pipeline(ctx context.Context, span ReportSpan) (report.Table, error) {
	totals, err := r.cfg.Store.OpenByStage(ctx, span)
	if err != nil {
		return report.Table{}, err
	}
	byStage := map[int]StageTotal{}
	var other []StageTotal
	for _, st := range totals {
		if i := r.cfg.Stages.index(st.Stage); i >= 0 {
			prev := byStage[i]
			byStage[i] = StageTotal{Open: prev.Open + st.Open, Amount: prev.Amount + st.Amount}
		} else {
			other = append(other, st)
		}
	}
	t := report.Table{Columns: []string{"stage", "open", "amount", "weighted"}}
	for i, st := range r.cfg.Stages {
		tot := byStage[i]
		t.Rows = append(t.Rows, PipelineRow{Stage: st.Name, Open: tot.Open, Amount: round2(tot.Amount),
			Weighted: round2(tot.Amount * st.Probability)})
	}
	for _, st := range other {
		t.Rows = append(t.Rows, PipelineRow{Stage: st.Stage, Open: st.Open, Amount: round2(st.Amount)})
	}
	return t, nil
}

// traffic folds the per-source counts into one row per rep and day, by
// day, then rep.
func (r *Reports) traffic(ctx context.Context, span ReportSpan) (report.Table, error) {
	cal := calendar(span, byDay)
	counts, err := r.cfg.Store.LeadsByDay(ctx, span, cal.Starts)
	if err != nil {
		return report.Table{}, err
	}
	slices.SortFunc(counts, func(a, b DayLeads) int { return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Rep, b.Rep)) })
	t := report.Table{Columns: []string{"rep", "day", "leads", "by_source"}}
	var row *TrafficRow
	for _, c := range counts {
		day := cal.Labels[c.Day]
		if row == nil || row.Rep != c.Rep || row.Day != day {
			row = &TrafficRow{Rep: c.Rep, Day: day, BySource: map[string]int{}}
			t.Rows = append(t.Rows, row)
		}
		row.Leads += c.Leads
		row.BySource[c.Source] += c.Leads
	}
	return t, nil
}

// followups lists every sales rep (and any other rep with open work) with
// its activities due in the span and those overdue before it.
func (r *Reports) followups(ctx context.Context, span ReportSpan) (report.Table, error) {
	counts, err := r.cfg.Store.OpenActivityCounts(ctx, span)
	if err != nil {
		return report.Table{}, err
	}
	reps, err := r.scopedReps(ctx, span.RepID)
	if err != nil {
		return report.Table{}, err
	}
	byRep := map[string]FollowupRow{}
	for _, c := range counts {
		byRep[c.Rep] = c
	}
	t := report.Table{Columns: []string{"rep", "due_today", "overdue"}}
	for _, rep := range reps {
		row, ok := byRep[rep.Username]
		if !ok && rep.Role != string(RoleSales) {
			continue
		}
		row.Rep = rep.Username
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// ForecastRow is one row of the forecast report: the calls, tasks and
// letters already scheduled for a rep in an ISO week (2026-W49). Its JSON
// has a count for each channel that makes work for people (see
// forecastChannels), named as the channel's plural: calls, tasks, letters.
type ForecastRow struct {
	Rep    string
	Week   string
	Counts map[tracks.Channel]int
}

// forecastChannels are the channels whose touches make work for people: a
// rep's calls and tasks (assigned steps), then letters to print. Emails go
// out by themselves.
func forecastChannels() []tracks.Channel {
	var assign, other []tracks.Channel
	for _, spec := range tracks.Channels() {
		switch {
		case spec.Action == tracks.ActionAssign:
			assign = append(assign, spec.Name)
		case spec.Name != tracks.ChannelEmail:
			other = append(other, spec.Name)
		}
	}
	return append(assign, other...)
}

// MarshalJSON writes rep, week and a count per forecast channel.
func (f ForecastRow) MarshalJSON() ([]byte, error) {
	buf := []byte(`{"rep":`)
	buf = strconv.AppendQuote(buf, f.Rep)
	buf = append(buf, `,"week":`...)
	buf = strconv.AppendQuote(buf, f.Week)
	for _, ch := range forecastChannels() {
		name, err := json.Marshal(string(ch) + "s")
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, ','), name...), ':')
		buf = strconv.AppendInt(buf, int64(f.Counts[ch]), 10)
	}
	return append(buf, '}'), nil
}

// Cells writes the row as text.
func (f ForecastRow) Cells() []string {
	cells := []string{f.Rep, f.Week}
	for _, ch := range forecastChannels() {
		cells = append(cells, strconv.Itoa(f.Counts[ch]))
	}
	return cells
}

// forecast counts the scheduled touches of the forecast channels per rep
// and week: the rep a step assigns (assign: USERNAME), else the contact's
// owner.
func (r *Reports) forecast(ctx context.Context, span ReportSpan) (report.Table, error) {
	cal := calendar(span, byWeek)
	work, err := r.cfg.Store.ScheduledWork(ctx, span, cal.Starts)
	if err != nil {
		return report.Table{}, err
	}
	reps, err := r.scopedReps(ctx, span.RepID)
	if err != nil {
		return report.Table{}, err
	}
	rows := map[[2]string]*ForecastRow{}
	for _, w := range work {
		rep := cmp.Or(r.assignee(w.Track, w.Step), w.Owner)
		if span.RepID != 0 && (len(reps) == 0 || reps[0].Username != rep) {
			continue
		}
		key := [2]string{rep, cal.Labels[w.Week]}
		if rows[key] == nil {
			rows[key] = &ForecastRow{Rep: rep, Week: key[1], Counts: map[tracks.Channel]int{}}
		}
		rows[key].Counts[tracks.Channel(w.Channel)] += w.Count
	}
	t := report.Table{Columns: []string{"rep", "week"}}
	for _, ch := range forecastChannels() {
		t.Columns = append(t.Columns, string(ch)+"s")
	}
	keys := make([][2]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[1], b[1]), cmp.Compare(a[0], b[0])) })
	for _, k := range keys {
		t.Rows = append(t.Rows, *rows[k])
	}
	return t, nil
}

// assignee is the rep a track's step assigns by username, "" when it
// assigns the owner or the library does not know the step.
func (r *Reports) assignee(track, step string) string {
	if r.cfg.Library == nil {
		return ""
	}
	tr, ok := r.cfg.Library.Track(track)
	if !ok {
		return ""
	}
	for _, s := range tr.Steps {
		if s.ID == step && s.Action.Assign != "owner" {
			return s.Action.Assign
		}
	}
	return ""
}

// tracks lists each track's steps with their touches by outcome.
func (r *Reports) tracks(ctx context.Context, span ReportSpan) (report.Table, error) {
	rows, err := r.cfg.Store.StepOutcomes(ctx, span)
	if err != nil {
		return report.Table{}, err
	}
	t := report.Table{Columns: []string{"track", "step", "channel", "done", "skipped", "canceled", "failed", "pending"}}
	for _, row := range rows {
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}
