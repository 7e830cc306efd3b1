package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/report"
)

// Reports builds the managers' reports (crm.Reports).
type Reports interface {
	Report(ctx context.Context, a crm.Actor, name string, q crm.ReportQuery) (report.Table, error)
}

var _ Reports = (*crm.Reports)(nil)

// getReport is GET /api/reports/{name}?from=&until=&tz=&format=json|csv|text:
// JSON lines by default; csv answers text/csv. A sales rep gets its own
// rows (the crm access rule).
func (a *api) getReport(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	q, format, err := reportQuery(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.reports.Report(r.Context(), who, r.PathValue("name"), q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", map[string]string{
		report.FormatJSON: "application/jsonl; charset=utf-8",
		report.FormatCSV:  "text/csv; charset=utf-8",
		report.FormatText: "text/plain; charset=utf-8",
	}[format])
	if format == report.FormatCSV {
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.Name+`.csv"`)
	}
	if err := t.Write(w, format); err != nil {
		a.log.ErrorContext(r.Context(), "write report", "report", t.Name, "err", err)
	}
}

// reportQuery reads a report request's query parameters.
func reportQuery(r *http.Request) (crm.ReportQuery, string, error) {
	v := r.URL.Query()
	q := crm.ReportQuery{TimeZone: v.Get("tz")}
	format := v.Get("format")
	if format == "" {
		format = report.FormatJSON
	}
	if err := report.CheckFormat(format); err != nil {
		return q, "", badRequest("format", "%v", err)
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"until", &q.Until}} {
		s := v.Get(p.name)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, "", badRequest(p.name, "%q: want an RFC 3339 time such as 2026-01-05T00:00:00Z", s)
		}
		*p.dst = t
	}
	return q, format, nil
}

// listCampaigns is GET /api/campaigns.
func (a *api) listCampaigns(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	cs, err := a.crm.ListCampaigns(r.Context(), who)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": cs})
}

// createCampaign is POST /api/campaigns.
func (a *api) createCampaign(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.CampaignFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.crm.AddCampaign(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}
