package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/pgtest"
)

func TestCampaignsAndReportsCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.URL(t)
	dir := writeFiles(t, map[string]string{
		"contacts.csv": "external_id,email,owner,lead_source,campaign\n" +
			"c-1,ann@example.com,alice,\"=HYPERLINK(\"\"http://evil\"\")\",Expo\n" +
			"c-2,bo@example.com,alice,Web,Expo\n" +
			"c-3,cy@example.com,@bob,Web,\n",
	})
	code, out, errs := runDripline(t, "campaigns", "add", "Expo", "--type", "event", "--subtype", "Trade Show", "--cost", "400", "--database-url", db)
	if code != 0 || out != "campaign 1: Expo (Event / Trade Show), cost 400\n" {
		t.Errorf("campaigns add: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = runDripline(t, "campaigns", "add", "Billboards", "--type", "Billboard", "--database-url", db)
	if code != 2 || !strings.Contains(errs, `type: "Billboard": want one of Event, Letter, Email, Call, Print, Web, Track General, Track Vertical, Referral`) {
		t.Errorf("campaigns add of an unknown type: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runDripline(t, "campaigns", "add", "Expo", "--type", "Web", "--database-url", db)
	if code != 1 || !strings.Contains(errs, `campaign "Expo" exists already`) {
		t.Errorf("campaigns add twice: exit %d, stderr %q", code, errs)
	}
	code, out, _ = runDripline(t, "campaigns", "list", "--database-url", db)
	if code != 0 || out != "NAME  TYPE   SUBTYPE     COST\nExpo  Event  Trade Show  400.00\n" {
		t.Errorf("campaigns list: exit %d, stdout %q", code, out)
	}
	if code, _, errs := runDripline(t, "contacts", "import", filepath.Join(dir, "contacts.csv"), "--database-url", db); code != 0 {
		t.Fatalf("contacts import: exit %d, stderr %q", code, errs)
	}
	now := time.Now().UTC()
	span := []string{"--from", now.Add(-24 * time.Hour).Format(time.RFC3339), "--until", now.Add(24 * time.Hour).Format(time.RFC3339), "--database-url", db}
	code, out, errs = runDripline(t, append([]string{"reports", "sources", "--format", "csv"}, span...)...)
	want := "lead_source,campaign,leads,won,revenue,cost,roi\n" +
		"\"'=HYPERLINK(\"\"http://evil\"\")\",Expo,1,0,0.00,200.00,-1\n" +
		"Web,,1,0,0.00,0.00,\n" +
		"Web,Expo,1,0,0.00,200.00,-1\n"
	if code != 0 || out != want {
		t.Errorf("reports sources --format csv: exit %d, stderr %q, stdout\n%s\nwant\n%s", code, errs, out, want)
	}
	code, out, errs = runDripline(t, append([]string{"reports", "traffic", "--format", "json"}, span...)...)
	day := now.Format(time.DateOnly)
	if code != 0 || !strings.Contains(out, `{"rep":"@bob","day":"`) || !strings.Contains(out, `"leads":2,"by_source":{"=HYPERLINK(\"http://evil\")":1,"Web":1}}`) {
		t.Errorf("reports traffic --format json (around %s): exit %d, stderr %q, stdout %q", day, code, errs, out)
	}
	code, out, _ = runDripline(t, append([]string{"reports", "traffic", "--format", "csv"}, span...)...)
	if code != 0 || !strings.Contains(out, "\n'@bob,") {
		t.Errorf("reports traffic --format csv: a rep named @bob must be escaped: %q", out)
	}
	for _, tt := range []struct {
		args []string
		errs string
	}{
		{[]string{"reports"}, "name one report: points|sources|pipeline|traffic|followups|forecast|tracks"},
		{[]string{"reports", "points", "--format", "xml"}, `--format "xml": want text, csv or json`},
		{[]string{"reports", "points", "--from", "monday"}, `--from "monday": want an RFC 3339 time`},
	} {
		if code, _, errs := runDripline(t, tt.args...); code != 2 || !strings.Contains(errs, tt.errs) {
			t.Errorf("dripline %s: exit %d, stderr %q; want 2 and %q", strings.Join(tt.args, " "), code, errs, tt.errs)
		}
	}
	code, _, errs = runDripline(t, "reports", "revenue", "--database-url", db)
	if code != 1 || !strings.Contains(errs, `report: "revenue": want one of points, sources`) {
		t.Errorf("reports revenue: exit %d, stderr %q", code, errs)
	}
}
