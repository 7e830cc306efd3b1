package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/report"
)

// Reports builds the reports the dashboard shows, by the names of
// `dripline reports`: crm.Reports.
type Reports interface {
	Report(ctx context.Context, a crm.Actor, name string, q crm.ReportQuery) (report.Table, error)
}

var _ Reports = (*crm.Reports)(nil)

// Table is a report as the page shows it: named columns and rows of text.
type Table struct {
	Columns []string
	Rows    [][]string
}

// tableOf writes a report's rows as text.
func tableOf(t report.Table) Table {
	out := Table{Columns: t.Columns, Rows: make([][]string, len(t.Rows))}
	for i, r := range t.Rows {
		out.Rows[i] = r.Cells()
	}
	return out
}

// col returns the index of a column, -1 when absent.
func (t Table) col(name string) int { return slices.Index(t.Columns, name) }

// dashboardReports are the reports the dashboard shows, in order.
var dashboardReports = []struct{ name, title string }{
	{"points", "Points this month against quota"},
	{"sources", "Leads by source this month"},
	{"pipeline", "Pipeline by stage"},
	{"followups", "Follow-ups due today"},
}

// dashboardPage is the managers' dashboard: each report as a chart (when
// it has one) and a table.
type dashboardPage struct {
	Sections []dashSection
}

// dashSection is one report on the dashboard.
type dashSection struct {
	Name, Title string
	Chart       *barChart
	Table       Table
}

// dashboard shows the reports managers run one-on-ones from.
func (p *Pages) dashboard(w http.ResponseWriter, r *http.Request, v viewer) error {
	var page dashboardPage
	for _, rep := range dashboardReports {
		rt, err := p.d.Reports.Report(r.Context(), v.Actor, rep.name, crm.ReportQuery{TimeZone: v.Zone.String()})
		if err != nil {
			return err
		}
		t := tableOf(rt)
		page.Sections = append(page.Sections, dashSection{Name: rep.name, Title: rep.title, Chart: chartOf(rep.name, t), Table: t})
	}
	p.render(w, r, http.StatusOK, "dashboard", v, "Dashboard", page)
	return nil
}

// chartOf draws the report's chart: points per rep with the quota marked,
// leads per source, open amount per stage; nil for reports without one.
func chartOf(name string, t Table) *barChart {
	switch name {
	case "points":
		return sumBars(t, "rep", "earned", "quota", "points earned by each rep this month, with the quota marked")
	case "sources":
		return sumBars(t, "lead_source", "leads", "", "leads by source")
	case "pipeline":
		return sumBars(t, "stage", "amount", "", "open amount by stage")
	}
	return nil
}

// sumBars makes one bar per distinct label, summing value (and mark) over
// the rows having it, in first-seen order.
func sumBars(t Table, label, value, mark, what string) *barChart {
	li, vi, mi := t.col(label), t.col(value), t.col(mark)
	if li < 0 || vi < 0 {
		return nil
	}
	c := &barChart{What: what}
	at := map[string]int{}
	for _, row := range t.Rows {
		name := row[li]
		if name == "" {
			name = "(none)"
		}
		i, ok := at[name]
		if !ok {
			i = len(c.Bars)
			at[name] = i
			c.Bars = append(c.Bars, bar{Label: name})
		}
		c.Bars[i].Value += number(row[vi])
		if mi >= 0 {
			c.Bars[i].Mark += number(row[mi])
		}
	}
	if !slices.ContainsFunc(c.Bars, func(b bar) bool { return b.Value != 0 || b.Mark != 0 }) {
		return nil // nothing to draw: the table says it
	}
	return c
}

// number reads a cell as a number; text that is none counts as 0.
func number(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return f
}
