package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// contact creates a rep-owned contact through the API.
func (e *env) contact(id, owner string) {
	e.t.Helper()
	e.must(http.StatusCreated, "POST", "/api/contacts", map[string]any{
		"external_id": id, "email": id + "@example.com", "first_name": strings.ToUpper(id[:1]) + id[1:], "owner": owner,
	})
}

func TestOpportunityLostSendsOpportunityLost(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.must(http.StatusCreated, "POST", "/api/reps", map[string]any{"username": "alice"})
	e.contact("dan", "alice")
	opp := e.must(http.StatusCreated, "POST", "/api/opportunities", map[string]any{
		"contact": "dan", "name": "Managed services", "type": "New Business", "stage": "Proposal",
		"revenue": 24000, "campaign": "Spring Webinar",
	})
	if opp["status"] != "Open" || opp["owner"] != "alice" || opp["revenue"] != "24000.00" || opp["campaign"] != "Spring Webinar" {
		t.Errorf("created opportunity = %v", opp)
	}
	path := fmt.Sprintf("/api/opportunities/%v", opp["id"])
	status, out := e.do("PATCH", path, map[string]any{"status": "Abandoned"})
	if status != http.StatusBadRequest || out["field"] != "status" {
		t.Errorf("bad status: %d %v", status, out)
	}
	status, out = e.do("PATCH", path, map[string]any{"status": "Open", "lost_reason": "price"})
	if status != http.StatusBadRequest || out["field"] != "lost_reason" {
		t.Errorf("lost reason on an open opportunity: %d %v", status, out)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE name = 'opportunity.lost'`); n != 0 {
		t.Fatalf("a refused change sent %d opportunity.lost events", n)
	}
	got := e.must(http.StatusOK, "PATCH", path, map[string]any{"status": "lost", "lost_reason": "Went with a competitor"})
	if got["status"] != "Lost" || got["lost_reason"] != "Went with a competitor" {
		t.Errorf("lost opportunity = %v", got)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE name = 'opportunity.lost'`); n != 1 {
		t.Errorf("%d opportunity.lost events, want 1", n)
	}
	ens := list(e.must(http.StatusOK, "GET", "/api/contacts/dan/enrollments", nil), "enrollments")
	states := map[string]string{}
	for _, en := range ens {
		states[en["track"].(string)] = en["state"].(string)
	}
	if states["lost-sale"] != "active" || states["welcome"] != "exited" {
		t.Errorf("enrollments after the loss = %v, want lost-sale active and welcome exited", states)
	}
	// Saving the same status again sends nothing more.
	e.must(http.StatusOK, "PATCH", path, map[string]any{"stage": "Closed"})
	if n := e.count(`SELECT count(*) FROM events WHERE name = 'opportunity.lost'`); n != 1 {
		t.Errorf("%d opportunity.lost events after an unrelated change, want 1", n)
	}
}

func TestSaleStartsAfterSaleTrack(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.must(http.StatusCreated, "POST", "/api/reps", map[string]any{"username": "alice"})
	e.contact("eve", "alice")
	soldAt := start.Add(-24 * time.Hour)
	status, out := e.do("POST", "/api/sales", map[string]any{"contact": "eve", "amount": "12x", "sold_at": soldAt.Format(time.RFC3339)})
	if status != http.StatusBadRequest || out["field"] != "amount" {
		t.Errorf("bad amount: %d %v", status, out)
	}
	sale := e.must(http.StatusCreated, "POST", "/api/sales", map[string]any{
		"contact": "eve", "amount": "18999.00", "item": "2026 Sea Ray", "sold_at": soldAt.Format(time.RFC3339),
	})
	if sale["rep"] != "alice" {
		t.Errorf("sale = %v, want the owner as rep", sale)
	}
	if c := e.must(http.StatusOK, "GET", "/api/contacts/eve", nil); c["status"] != "customer" {
		t.Errorf("contact after a sale = %v, want a customer", c["status"])
	}
	touches := list(e.must(http.StatusOK, "GET", "/api/contacts/eve/touches", nil), "touches")
	want := soldAt.AddDate(0, 0, 4).Format(time.RFC3339)
	found := false
	for _, tc := range touches {
		if tc["track"] == "after-sale" && tc["step"] == "day-4" && tc["due"] == want && tc["outcome"] == "pending" {
			found = true
		}
	}
	if !found {
		t.Errorf("touches = %v, want after-sale/day-4 pending at %s (4 days after the sale)", touches, want)
	}
}

func TestEventsAndEnrollments(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.contact("fay", "")
	e.contact("gus", "")
	status, out := e.do("POST", "/api/events", map[string]any{"contact": "fay", "event": "manual", "track": "nope"})
	if status != http.StatusBadRequest || out["field"] != "track" {
		t.Errorf("manual event on an unknown track: %d %v", status, out)
	}
	status, out = e.do("POST", "/api/events", map[string]any{"contact": "fay", "event": "contact.exploded"})
	if status != http.StatusBadRequest || out["field"] != "event" {
		t.Errorf("unknown event: %d %v", status, out)
	}
	e.must(http.StatusNotFound, "POST", "/api/events", map[string]any{"contact": "nobody", "event": "manual", "track": "newsletter"})
	got := e.must(http.StatusOK, "POST", "/api/events", map[string]any{"contact": "fay", "event": "manual", "track": "newsletter"})
	if fmt.Sprint(got["enrolled"]) != "[newsletter]" {
		t.Errorf("manual event = %v", got)
	}

	status, out = e.do("POST", "/api/enrollments", map[string]any{"track": "newsletter", "contacts": []string{"gus", "zed"}})
	if status != http.StatusBadRequest || out["field"] != "contacts" || !strings.Contains(out["error"].(string), "zed") {
		t.Errorf("bulk enroll with an unknown contact: %d %v", status, out)
	}
	status, out = e.do("POST", "/api/enrollments", map[string]any{"track": "nope", "contacts": []string{"gus"}})
	if status != http.StatusBadRequest || out["field"] != "track" {
		t.Errorf("bulk enroll on an unknown track: %d %v", status, out)
	}
	res := e.must(http.StatusOK, "POST", "/api/enrollments", map[string]any{"track": "newsletter", "contacts": []string{"fay", "gus@example.com"}})
	if res["enrolled"] != 1.0 || res["skipped"] != 1.0 {
		t.Errorf("bulk enroll = %v, want gus enrolled and fay (already on it) skipped", res)
	}

	ens := list(e.must(http.StatusOK, "GET", "/api/contacts/gus/enrollments", nil), "enrollments")
	var id any
	for _, en := range ens {
		if en["track"] == "newsletter" {
			id = en["id"]
		}
	}
	base := fmt.Sprintf("/api/enrollments/%v", id)
	e.must(http.StatusOK, "POST", base+"/pause", nil)
	e.must(http.StatusConflict, "POST", base+"/pause", nil)
	e.must(http.StatusOK, "POST", base+"/resume", nil)
	e.must(http.StatusOK, "POST", base+"/unenroll", map[string]any{"reason": "asked by phone"})
	e.must(http.StatusConflict, "POST", base+"/unenroll", nil)
	e.must(http.StatusNotFound, "POST", "/api/enrollments/999999/pause", nil)
	e.must(http.StatusBadRequest, "POST", "/api/enrollments/x/pause", nil)
	for _, tc := range list(e.must(http.StatusOK, "GET", "/api/contacts/gus/touches", nil), "touches") {
		if tc["track"] == "newsletter" && (tc["outcome"] != "canceled" || tc["reason"] != "asked by phone") {
			t.Errorf("touch after unenroll = %v", tc)
		}
	}
}

func TestImportEventsReportsUnknownContacts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.contact("hal", "")
	csv := "contact,event,at,track\n" +
		"hal,manual,2026-03-02T17:00:00Z,newsletter\n" +
		"nobody,manual,2026-03-02T17:00:00Z,newsletter\n" +
		"hal@example.com,manual,2026-03-02T17:00:00Z,nope\n" +
		"hal,contact.birthday,yesterday,\n"
	status, res := e.csv("/api/events/import?name=ev.csv", csv)
	if status != http.StatusOK {
		t.Fatalf("import: %d %v", status, res)
	}
	var errs []string
	for _, err := range res["errors"].([]any) {
		errs = append(errs, err.(string))
	}
	want := []string{`ev.csv:3: unknown contact "nobody"`, `ev.csv:4: unknown track "nope"`, "ev.csv:5: "}
	if len(errs) != len(want) {
		t.Fatalf("errors = %q, want %q", errs, want)
	}
	for i := range want {
		if !strings.HasPrefix(errs[i], want[i]) {
			t.Errorf("error %d = %q, want %q", i, errs[i], want[i])
		}
	}
	if res["events"] != 1.0 || res["enrolled"] != 1.0 {
		t.Errorf("result = %v, want one event enrolling hal", res)
	}
}

func TestRequestLimits(t *testing.T) {
	t.Parallel()
	e := setup(t)
	status, out := e.do("POST", "/api/contacts", `{"email": "a@example.com", "notes": "`+strings.Repeat("x", 5000)+`"}`)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("over-long body: %d %v", status, out)
	}
	e.must(http.StatusOK, "GET", "/healthz", nil)
	e.must(http.StatusBadRequest, "GET", "/api/activities?limit=many", nil)
}
