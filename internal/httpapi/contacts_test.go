package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCreateContactRefusesBadInput(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.must(http.StatusCreated, "POST", "/api/reps", map[string]any{"username": "alice"})
	tests := []struct {
		name  string
		body  string
		field string
		msg   string
	}{
		{"no key", `{"first_name": "Ann"}`, "email", "an email or an external_id is required"},
		{"bad email", `{"email": "ann@"}`, "email", `"ann@": not a valid address`},
		{"named email", `{"email": "Ann <ann@example.com>"}`, "email", "want a bare address"},
		{"status", `{"email": "ann@example.com", "status": "lead"}`, "status", `"lead": want suspect, prospect or customer`},
		{"time zone", `{"email": "ann@example.com", "time_zone": "Mars/Olympus"}`, "time_zone", "not an IANA time zone"},
		{"birthday", `{"email": "ann@example.com", "birthday": "1990-13-01"}`, "birthday", "want a date YYYY-MM-DD"},
		{"unknown field", `{"email": "ann@example.com", "emial": "x"}`, "emial", `unknown field "emial"`},
		{"wrong type", `{"email": 5}`, "email", "want a string"},
		{"not JSON", `{"email": `, "", "malformed JSON"},
		{"two objects", `{"email": "ann@example.com"} {}`, "", "one JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := e.do("POST", "/api/contacts", tt.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %v", status, out)
			}
			if out["field"] != nil && out["field"] != tt.field || out["field"] == nil && tt.field != "" {
				t.Errorf("field %v, want %q", out["field"], tt.field)
			}
			if msg, _ := out["error"].(string); !strings.Contains(msg, tt.msg) {
				t.Errorf("error %q, want it to contain %q", msg, tt.msg)
			}
		})
	}
	if n := e.count(`SELECT count(*) FROM contacts`); n != 0 {
		t.Errorf("%d contacts stored, want none", n)
	}
	if n := e.count(`SELECT count(*) FROM events`); n != 0 {
		t.Errorf("%d events recorded, want none", n)
	}
}

func TestContactLifecycle(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.must(http.StatusCreated, "POST", "/api/reps", map[string]any{"username": "alice", "name": "Alice Reed"})
	c := e.must(http.StatusCreated, "POST", "/api/contacts", map[string]any{
		"external_id": "c-1", "email": "Ann@Example.com", "first_name": "Ann", "owner": "alice",
		"time_zone": "America/Los_Angeles", "birthday": "1990-04-01", "custom": map[string]string{"boat": "sloop"},
	})
	if c["status"] != "prospect" || c["owner"] != "alice" || c["birthday"] != "1990-04-01" {
		t.Errorf("created contact = %v", c)
	}
	for _, ref := range []string{"c-1", "ann@example.com", "1"} {
		got := e.must(http.StatusOK, "GET", "/api/contacts/"+ref, nil)
		if got["external_id"] != "c-1" {
			t.Errorf("GET %s = %v", ref, got)
		}
	}
	e.must(http.StatusNotFound, "GET", "/api/contacts/nobody", nil)
	e.must(http.StatusConflict, "POST", "/api/contacts", map[string]any{"external_id": "c-1"})

	enrolled := e.must(http.StatusOK, "GET", "/api/contacts/c-1/enrollments", nil)
	if es := list(enrolled, "enrollments"); len(es) != 1 || es[0]["track"] != "welcome" {
		t.Errorf("enrollments after contact.created = %v", es)
	}

	got := e.must(http.StatusOK, "PATCH", "/api/contacts/c-1", map[string]any{"last_name": "Lee", "custom": map[string]string{"boat": ""}})
	if got["last_name"] != "Lee" || got["first_name"] != "Ann" || len(got["custom"].(map[string]any)) != 0 {
		t.Errorf("patched contact = %v", got)
	}
	status, out := e.do("PATCH", "/api/contacts/c-1", map[string]any{"last_name": "X", "status": "gone"})
	if status != http.StatusBadRequest || out["field"] != "status" {
		t.Errorf("bad patch: %d %v", status, out)
	}
	if got := e.must(http.StatusOK, "GET", "/api/contacts/c-1", nil); got["last_name"] != "Lee" {
		t.Errorf("a refused patch changed the contact: %v", got)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE name = 'contact.updated'`); n != 1 {
		t.Errorf("%d contact.updated events, want 1", n)
	}
	page := e.must(http.StatusOK, "GET", "/api/contacts?owner=alice&status=prospect", nil)
	if cs := list(page, "contacts"); len(cs) != 1 {
		t.Errorf("list = %v", page)
	}
	if status, out := e.do("GET", "/api/contacts?status=lead", nil); status != http.StatusBadRequest || out["field"] != "status" {
		t.Errorf("list with a bad status: %d %v", status, out)
	}
}

// An owner is a rep's username, created when unknown, on every path that
// writes a contact (the API as the contacts import).
func TestUnknownOwnerIsCreated(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := e.must(http.StatusCreated, "POST", "/api/contacts", map[string]any{"email": "ann@example.com", "owner": "bob"})
	if c["owner"] != "bob" {
		t.Errorf("created contact = %v, want owner bob", c)
	}
	c = e.must(http.StatusOK, "PATCH", "/api/contacts/ann@example.com", map[string]any{"owner": "carol"})
	if c["owner"] != "carol" {
		t.Errorf("patched contact = %v, want owner carol", c)
	}
	reps := list(e.must(http.StatusOK, "GET", "/api/reps", nil), "reps")
	if len(reps) != 2 || reps[0]["username"] != "bob" || reps[1]["username"] != "carol" || reps[1]["role"] != "sales" {
		t.Errorf("reps = %v, want bob and carol, sales reps", reps)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE name IN ('contact.created', 'contact.updated')`); n != 2 {
		t.Errorf("%d contact events, want created and updated", n)
	}
}

func TestImportContactsKeepsGoodRows(t *testing.T) {
	t.Parallel()
	e := setup(t)
	csv := "external_id,email,first_name,owner,status,boat\n" +
		"c-1,ann@example.com,Ann,alice,prospect,sloop\n" +
		"c-2,not-an-address,Bob,alice,prospect,\n" +
		"c-3,cy@example.com,Cy,bob,customer,ketch\n"
	e.must(http.StatusUnsupportedMediaType, "POST", "/api/contacts/import", csv)
	status, res := e.csv("/api/contacts/import?name=people.csv", csv)
	if status != http.StatusOK {
		t.Fatalf("import: %d %v", status, res)
	}
	errs := res["errors"].([]any)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].(string), "people.csv:3: ") {
		t.Errorf("errors = %v, want one for people.csv:3", errs)
	}
	if res["created"] != 2.0 || res["enrolled"] != 2.0 {
		t.Errorf("result = %v, want 2 created and enrolled", res)
	}
	if n := e.count(`SELECT count(*) FROM reps WHERE username IN ('alice', 'bob')`); n != 2 {
		t.Errorf("%d owner reps, want 2", n)
	}
	e.must(http.StatusNotFound, "GET", "/api/contacts/c-2", nil)
	page := e.must(http.StatusOK, "GET", "/api/contacts?limit=1", nil)
	next, ok := page["next"].(float64)
	if cs := list(page, "contacts"); len(cs) != 1 || cs[0]["external_id"] != "c-1" || !ok {
		t.Fatalf("first page = %v", page)
	}
	page = e.must(http.StatusOK, "GET", fmt.Sprintf("/api/contacts?limit=1&after=%d", int64(next)), nil)
	if cs := list(page, "contacts"); len(cs) != 1 || cs[0]["external_id"] != "c-3" || page["next"] != nil {
		t.Errorf("second page = %v", page)
	}

	again := "external_id,first_name\nc-1,Annie\nc-3,Cy\n"
	_, res = e.csv("/api/contacts/import", again)
	if res["updated"] != 1.0 || res["unchanged"] != 1.0 || res["created"] != 0.0 {
		t.Errorf("second import = %v, want 1 updated, 1 unchanged", res)
	}
	c := e.must(http.StatusOK, "GET", "/api/contacts/c-1", nil)
	if c["first_name"] != "Annie" || c["email"] != "ann@example.com" || c["owner"] != "alice" {
		t.Errorf("a column missing from the file changed: %v", c)
	}
}
