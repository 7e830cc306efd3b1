package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestMyDayShowsDueAndOverdueCalls(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.must(http.StatusCreated, "POST", "/api/reps", map[string]any{"username": "alice", "monthly_quota": 120})
	e.contact("ivy", "alice") // welcome: intro call one day later
	e.advance(2 * time.Hour)
	e.contact("jon", "alice") // intro call due 2 hours after ivy's
	e.must(http.StatusCreated, "POST", "/api/sales", map[string]any{
		"contact": "jon", "amount": 900, "sold_at": start.AddDate(0, 0, -3).Format(time.RFC3339),
	}) // after-sale day-4 call falls due tomorrow too
	e.must(http.StatusCreated, "POST", "/api/activities", map[string]any{
		"contact": "ivy", "type": "1st appointment", "subject": "Site visit", "due": start.AddDate(0, 0, 2).Format(time.RFC3339),
	})
	status, out := e.do("POST", "/api/activities", map[string]any{"contact": "ivy", "type": "Nap"})
	if status != http.StatusBadRequest || out["field"] != "type" {
		t.Errorf("unknown activity type: %d %v", status, out)
	}
	e.advance(2 * 24 * time.Hour) // every call of the first day opens

	day := start.AddDate(0, 0, 2).Format(time.DateOnly)
	md := e.must(http.StatusOK, "GET", "/api/reps/alice/myday?day="+day+"&tz=America/Los_Angeles", nil)
	pre, after, acts := list(md, "pre_sales_follow_ups"), list(md, "after_sale_reminders"), list(md, "activities")
	if len(pre) != 2 || len(after) != 1 || len(acts) != 1 {
		t.Fatalf("my day = %d pre-sales, %d after-sale, %d activities; want 2, 1, 1: %v", len(pre), len(after), len(acts), md)
	}
	if pre[0]["contact"] != "ivy" || pre[0]["subject"] != "Intro call with Ivy" || pre[0]["overdue"] != true || pre[0]["type"] != "Lead Follow Up Call" {
		t.Errorf("first pre-sales follow-up = %v, want ivy's overdue intro call", pre[0])
	}
	if after[0]["contact"] != "jon" || after[0]["step"] != "day-4" || after[0]["overdue"] != true {
		t.Errorf("after-sale reminder = %v, want jon's overdue day-4 call", after[0])
	}
	if acts[0]["subject"] != "Site visit" || acts[0]["overdue"] != false || acts[0]["points"] != 10.0 {
		t.Errorf("activity = %v, want the site visit due today", acts[0])
	}
	if md["overdue"] != 3.0 {
		t.Errorf("overdue = %v, want 3", md["overdue"])
	}
	earlier := e.must(http.StatusOK, "GET", "/api/reps/alice/myday?day="+start.Format(time.DateOnly)+"&tz=America/Los_Angeles", nil)
	if n := len(list(earlier, "pre_sales_follow_ups")) + len(list(earlier, "activities")); n != 0 {
		t.Errorf("the first day lists %d items, want none due yet: %v", n, earlier)
	}

	done := e.must(http.StatusOK, "POST", fmt.Sprintf("/api/activities/%v/complete", acts[0]["id"]), map[string]any{"notes": "Went well"})
	if done["status"] != "done" || done["notes"] != "Went well" || done["points"] != 10.0 {
		t.Errorf("completed activity = %v", done)
	}
	e.must(http.StatusConflict, "POST", fmt.Sprintf("/api/activities/%v/complete", acts[0]["id"]), nil)
	md = e.must(http.StatusOK, "GET", "/api/reps/alice/myday?day="+day+"&tz=America/Los_Angeles", nil)
	points := md["points"].(map[string]any)
	if points["earned"] != 10.0 || points["quota"] != 120.0 || points["month"] != "2026-03" {
		t.Errorf("points = %v, want 10 of 120 in 2026-03", points)
	}
	if n := len(list(md, "activities")); n != 0 {
		t.Errorf("a completed activity still shows: %v", md)
	}
	e.must(http.StatusNotFound, "GET", "/api/reps/nobody/myday", nil)
	if status, out := e.do("GET", "/api/reps/alice/myday?tz=Nowhere", nil); status != http.StatusBadRequest || out["field"] != "tz" {
		t.Errorf("bad tz: %d %v", status, out)
	}
	open := e.must(http.StatusOK, "GET", "/api/activities?rep=alice&status=open", nil)
	if n := len(list(open, "activities")); n != 3 {
		t.Errorf("%d open activities, want 3", n)
	}
}

func TestTimelineMergesTouchesAndActivities(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.must(http.StatusCreated, "POST", "/api/reps", map[string]any{"username": "alice"})
	e.contact("kim", "alice")
	e.advance(25 * time.Hour) // the intro call opens; the follow-up task is scheduled
	e.must(http.StatusCreated, "POST", "/api/activities", map[string]any{
		"contact": "kim", "type": "Follow up Call/Email", "status": "done", "subject": "Answered a question",
	})
	tl := list(e.must(http.StatusOK, "GET", "/api/contacts/kim/timeline", nil), "timeline")
	var kinds []string
	for _, entry := range tl {
		switch entry["kind"] {
		case "touch":
			tc := entry["touch"].(map[string]any)
			kinds = append(kinds, "touch "+tc["step"].(string)+" "+tc["state"].(string))
		case "activity":
			kinds = append(kinds, "activity "+entry["activity"].(map[string]any)["subject"].(string))
		}
	}
	want := []string{"touch intro-call done", "activity Intro call with Kim", "activity Answered a question", "touch follow-up scheduled"}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("timeline = %q, want %q", kinds, want)
	}
	touches := list(e.must(http.StatusOK, "GET", "/api/contacts/kim/touches", nil), "touches")
	if len(touches) != 2 || touches[0]["outcome"] != "done" || touches[1]["outcome"] != "pending" || touches[0]["contact"] != "kim" {
		t.Errorf("touches = %v", touches)
	}
	e.must(http.StatusNotFound, "GET", "/api/contacts/nobody/timeline", nil)
}
