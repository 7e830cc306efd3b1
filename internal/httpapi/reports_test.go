package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/postgres"
)

func TestPointsReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	alice := e.rep("alice", "sales", 500)
	e.rep("bob", "sales", 0)
	e.rep("mgr", "manager", 500)
	done := func(rep, typ string) {
		e.must(http.StatusCreated, "POST", "/api/activities", map[string]any{"rep": rep, "type": typ, "status": "done"})
	}
	done("alice", "1st Appointment")   // 10
	done("alice", "Discovery Meeting") // 12
	done("bob", "Add Prospect to Funnel")
	open := e.must(http.StatusCreated, "POST", "/api/activities", map[string]any{
		"rep": "alice", "type": "Technology Business Review Meeting", "due": start.Add(time.Hour).Format(time.RFC3339)})
	e.clock.Advance(31 * 24 * time.Hour) // April
	e.must(http.StatusOK, "POST", fmt.Sprintf("/api/activities/%v/complete", open["id"]), map[string]any{})
	e.must(http.StatusCreated, "POST", "/api/activities", map[string]any{"rep": "alice", "type": "New Hardware Quote"})

	span := "from=2026-03-01T00:00:00Z&until=2026-05-01T00:00:00Z"
	sameRows(t, "points", e.report(nil, "points", span), []row{
		{"rep": "alice", "month": "2026-03", "earned": 22.0, "quota": 500.0, "percent": 4.4},
		{"rep": "bob", "month": "2026-03", "earned": 3.0, "quota": 0.0, "percent": nil},
		{"rep": "alice", "month": "2026-04", "earned": 20.0, "quota": 500.0, "percent": 4.0},
		{"rep": "bob", "month": "2026-04", "earned": 0.0, "quota": 0.0, "percent": nil},
	})
	sameRows(t, "alice's points", e.report(e.as(alice), "points", span), []row{
		{"rep": "alice", "month": "2026-03", "earned": 22.0, "quota": 500.0, "percent": 4.4},
		{"rep": "alice", "month": "2026-04", "earned": 20.0, "quota": 500.0, "percent": 4.0},
	})
	// By default: the current month, so far.
	sameRows(t, "this month's points", e.report(nil, "points", ""), []row{
		{"rep": "alice", "month": "2026-04", "earned": 20.0, "quota": 500.0, "percent": 4.0},
		{"rep": "bob", "month": "2026-04", "earned": 0.0, "quota": 0.0, "percent": nil},
	})
}

func TestSourcesReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	alice := e.rep("alice", "sales", 500)
	e.rep("bob", "sales", 500)
	expo := e.must(http.StatusCreated, "POST", "/api/campaigns", map[string]any{
		"name": "Expo 2026", "type": "event", "subtype": "Trade Show", "cost": 1000})
	if expo["type"] != "Event" || expo["cost"] != "1000" {
		t.Errorf("campaign = %v, want type Event and cost 1000", expo)
	}
	e.must(http.StatusCreated, "POST", "/api/campaigns", map[string]any{"name": "Radio", "type": "Print", "cost": "500.00"})
	lead := func(id, owner, source, campaign string) {
		e.must(http.StatusCreated, "POST", "/api/contacts", map[string]any{
			"external_id": id, "email": id + "@example.com", "owner": owner, "lead_source": source, "campaign": campaign})
	}
	lead("c1", "alice", "Trade Show", "Expo 2026")
	lead("c2", "alice", "Trade Show", "Expo 2026")
	lead("c3", "alice", "Trade Show", "Expo 2026")
	lead("c4", "alice", "Web", "Expo 2026")
	lead("c5", "bob", "Referral", "")
	opp := func(contact, status string, revenue int) map[string]any {
		f := map[string]any{"contact": contact, "name": "Deal " + contact, "status": status, "revenue": revenue, "close_date": "2026-03-02"}
		if status == "Lost" {
			f["lost_reason"] = "price"
		}
		return e.must(http.StatusCreated, "POST", "/api/opportunities", f)
	}
	opp("c1", "Won", 5000)
	won := opp("c2", "Open", 2000)
	e.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/opportunities/%v", won["id"]), map[string]any{"status": "Won"})
	// The sale that closes c2's opportunity is its revenue, counted once.
	e.must(http.StatusCreated, "POST", "/api/sales", map[string]any{"contact": "c2", "opportunity_id": won["id"], "amount": 2000})
	opp("c3", "Open", 1000)
	opp("c4", "Lost", 800)
	e.must(http.StatusCreated, "POST", "/api/sales", map[string]any{"contact": "c5", "amount": "300.50"})

	sameRows(t, "sources", e.report(nil, "sources", everything), []row{
		{"lead_source": "", "campaign": "Radio", "leads": 0.0, "won": 0.0, "revenue": 0.0, "cost": 500.0, "roi": -1.0},
		{"lead_source": "Referral", "campaign": "", "leads": 1.0, "won": 0.0, "revenue": 300.5, "cost": 0.0, "roi": nil},
		{"lead_source": "Trade Show", "campaign": "Expo 2026", "leads": 3.0, "won": 2.0, "revenue": 7000.0, "cost": 750.0, "roi": 8.33},
		{"lead_source": "Web", "campaign": "Expo 2026", "leads": 1.0, "won": 0.0, "revenue": 0.0, "cost": 250.0, "roi": -1.0},
	})
	sameRows(t, "alice's sources", e.report(e.as(alice), "sources", everything), []row{
		{"lead_source": "Trade Show", "campaign": "Expo 2026", "leads": 3.0, "won": 2.0, "revenue": 7000.0, "cost": 750.0, "roi": 8.33},
		{"lead_source": "Web", "campaign": "Expo 2026", "leads": 1.0, "won": 0.0, "revenue": 0.0, "cost": 250.0, "roi": -1.0},
	})
	// Won opportunities are dated by their close date.
	sameRows(t, "sources won in April", e.report(nil, "sources", "from=2026-04-01T00:00:00Z&until=2026-05-01T00:00:00Z"), []row{})
}

func TestPipelineReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	alice := e.rep("alice", "sales", 500)
	e.rep("bob", "sales", 500)
	e.contact("dan", "alice")
	e.contact("eve", "bob")
	for _, o := range []struct {
		contact, stage, status string
		revenue                int
	}{
		{"dan", "Discovery", "Open", 1000}, {"dan", "discovery", "Open", 500}, {"dan", "Prospect", "Open", 400},
		{"dan", "Custom", "Open", 100}, {"dan", "Discovery", "Won", 9999}, {"eve", "Commitment", "Open", 2000},
	} {
		e.must(http.StatusCreated, "POST", "/api/opportunities", map[string]any{
			"contact": o.contact, "name": "Deal", "stage": o.stage, "status": o.status, "revenue": o.revenue})
	}
	stages := func(discovery, commitment []any) []row {
		return []row{
			{"stage": "Prospect", "open": 1.0, "amount": 400.0, "weighted": 40.0},
			{"stage": "1st Appointment", "open": 0.0, "amount": 0.0, "weighted": 0.0},
			{"stage": "Discovery", "open": discovery[0], "amount": discovery[1], "weighted": discovery[2]},
			{"stage": "Presentation", "open": 0.0, "amount": 0.0, "weighted": 0.0},
			{"stage": "Follow-Up", "open": 0.0, "amount": 0.0, "weighted": 0.0},
			{"stage": "Commitment", "open": commitment[0], "amount": commitment[1], "weighted": commitment[2]},
			{"stage": "Custom", "open": 1.0, "amount": 100.0, "weighted": 0.0},
		}
	}
	sameRows(t, "pipeline", e.report(nil, "pipeline", ""), stages([]any{2.0, 1500.0, 900.0}, []any{1.0, 2000.0, 1900.0}))
	sameRows(t, "alice's pipeline", e.report(e.as(alice), "pipeline", ""), stages([]any{2.0, 1500.0, 900.0}, []any{0.0, 0.0, 0.0}))

	custom, err := crm.ParseStages("Discovery=50%,Custom=1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := crm.NewReports(crm.ReportsConfig{Store: postgres.NewCRM(e.pool), Stages: custom, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := r.Report(context.Background(), crm.System, "pipeline", crm.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	if err := tbl.Write(&text, "text"); err != nil {
		t.Fatal(err)
	}
	want := "STAGE       OPEN  AMOUNT   WEIGHTED\n" +
		"Discovery   2     1500.00  750.00\n" +
		"Custom      1     100.00   100.00\n" +
		"Commitment  1     2000.00  0.00\n" +
		"Prospect    1     400.00   0.00\n"
	if text.String() != want {
		t.Errorf("pipeline with configured stages:\n%s\nwant\n%s", text.String(), want)
	}
}

func TestTrafficReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rep("alice", "sales", 500)
	bob := e.rep("bob", "sales", 500)
	lead := func(id, owner, source string) {
		e.must(http.StatusCreated, "POST", "/api/contacts", map[string]any{
			"external_id": id, "email": id + "@example.com", "owner": owner, "lead_source": source})
	}
	lead("c1", "alice", "Trade Show")
	lead("c2", "alice", "Trade Show")
	lead("c3", "alice", "Web")
	lead("c4", "bob", "Referral")
	lead("c5", "", "Web")
	var day string // contacts are stamped by the database's clock
	if err := e.pool.QueryRow(context.Background(), `SELECT to_char(max(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM contacts`).Scan(&day); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "traffic", e.report(nil, "traffic", everything), []row{
		{"rep": "", "day": day, "leads": 1.0, "by_source": row{"Web": 1.0}},
		{"rep": "alice", "day": day, "leads": 3.0, "by_source": row{"Trade Show": 2.0, "Web": 1.0}},
		{"rep": "bob", "day": day, "leads": 1.0, "by_source": row{"Referral": 1.0}},
	})
	sameRows(t, "bob's traffic", e.report(e.as(bob), "traffic", everything), []row{
		{"rep": "bob", "day": day, "leads": 1.0, "by_source": row{"Referral": 1.0}},
	})
	status, out := e.do("GET", "/api/reports/traffic?tz=Mars/Olympus", nil)
	if status != http.StatusBadRequest || out["field"] != "tz" {
		t.Errorf("unknown zone: %d %v, want 400 naming tz", status, out)
	}
	status, out = e.do("GET", "/api/reports/traffic?from=yesterday", nil)
	if status != http.StatusBadRequest || out["field"] != "from" {
		t.Errorf("bad from: %d %v, want 400 naming from", status, out)
	}
	status, out = e.do("GET", "/api/reports/revenue", nil)
	if status != http.StatusBadRequest || out["field"] != "report" || !strings.Contains(out["error"].(string), "points, sources") {
		t.Errorf("unknown report: %d %v, want 400 listing the reports", status, out)
	}
}

func TestFollowupsReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rep("alice", "sales", 500)
	bob := e.rep("bob", "sales", 500)
	e.rep("mgr", "manager", 500)
	task := func(rep, status string, due time.Duration) {
		e.must(http.StatusCreated, "POST", "/api/activities", map[string]any{
			"rep": rep, "type": "Lead Follow Up Call", "status": status, "due": start.Add(due).Format(time.RFC3339)})
	}
	task("alice", "open", 2*time.Hour)   // today
	task("alice", "open", -7*time.Hour)  // today in UTC, overdue in Auckland
	task("alice", "open", -24*time.Hour) // overdue
	task("alice", "open", 24*time.Hour)  // tomorrow
	task("alice", "done", -24*time.Hour) // done: neither
	task("bob", "open", -3*24*time.Hour) // overdue
	task("mgr", "open", 30*24*time.Hour) // next month: the manager has no row
	sameRows(t, "followups", e.report(nil, "followups", ""), []row{
		{"rep": "alice", "due_today": 2.0, "overdue": 1.0},
		{"rep": "bob", "due_today": 0.0, "overdue": 1.0},
	})
	sameRows(t, "bob's followups", e.report(e.as(bob), "followups", ""), []row{
		{"rep": "bob", "due_today": 0.0, "overdue": 1.0},
	})
	// In Auckland the day began at 11:00 UTC: alice's call due at 10:00 UTC is overdue there.
	sameRows(t, "followups in Auckland", e.report(nil, "followups", "tz=Pacific/Auckland"), []row{
		{"rep": "alice", "due_today": 1.0, "overdue": 2.0},
		{"rep": "bob", "due_today": 0.0, "overdue": 1.0},
	})
}

func TestReportCSV(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rep("alice", "sales", 500)
	e.must(http.StatusCreated, "POST", "/api/contacts", map[string]any{
		"email": "x@example.com", "owner": "alice", "lead_source": "=HYPERLINK(\"http://evil\")", "campaign": "-2+3"})
	resp, err := http.Get(e.srv.URL + "/api/reports/sources?format=csv&" + everything)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q, want text/csv", ct)
	}
	want := "lead_source,campaign,leads,won,revenue,cost,roi\n" +
		"\"'=HYPERLINK(\"\"http://evil\"\")\",'-2+3,1,0,0.00,0.00,\n"
	if string(body) != want {
		t.Errorf("csv:\n%s\nwant\n%s", body, want)
	}
}

func TestCampaignsAPI(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.contact("dan", "")
	// An opportunity naming a campaign not added yet creates it without a type…
	e.must(http.StatusCreated, "POST", "/api/opportunities", map[string]any{"contact": "dan", "name": "Deal", "campaign": "Spring Webinar"})
	// … and adding it later fills in its type and cost.
	e.must(http.StatusCreated, "POST", "/api/campaigns", map[string]any{"name": "Spring Webinar", "type": "Webinar", "cost": "250.5"})
	for _, tt := range []struct {
		body  map[string]any
		code  int
		field string
	}{
		{map[string]any{"name": "Spring Webinar", "type": "Web"}, http.StatusConflict, ""},
		{map[string]any{"name": "Fair", "type": "Billboard"}, http.StatusBadRequest, "type"},
		{map[string]any{"name": "Fair", "type": "Event", "cost": -5}, http.StatusBadRequest, "cost"},
		{map[string]any{"type": "Event"}, http.StatusBadRequest, "name"},
		{map[string]any{"name": "Fair", "type": "Event", "budget": 5}, http.StatusBadRequest, "budget"},
	} {
		status, out := e.do("POST", "/api/campaigns", tt.body)
		if status != tt.code || (tt.field != "" && out["field"] != tt.field) {
			t.Errorf("POST %v: %d %v, want %d naming %q", tt.body, status, out, tt.code, tt.field)
		}
	}
	cs := list(e.must(http.StatusOK, "GET", "/api/campaigns", nil), "campaigns")
	if len(cs) != 1 || cs[0]["name"] != "Spring Webinar" || cs[0]["type"] != "Webinar" || cs[0]["subtype"] != "" || cs[0]["cost"] != "250.50" {
		t.Errorf("GET /api/campaigns = %v", cs)
	}
}
