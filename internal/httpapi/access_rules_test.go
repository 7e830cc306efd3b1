package httpapi_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

func TestSalesSeesAndChangesOnlyItsOwn(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	mine := w.contact()
	theirs, err := w.crm.CreateContact(context.Background(), crm.System,
		crm.ContactFields{Email: ptr("theirs@example.com"), Owner: ptr("sid")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, caller, method, path string
		body                       any
		want                       int
		check                      func(out map[string]any) string
	}{
		{"a sales rep's list is its own", "owner", "GET", "/api/contacts?owner=sid", nil, http.StatusOK,
			func(out map[string]any) string {
				if cs := list(out, "contacts"); len(cs) != 0 {
					return "sam listed sid's contacts"
				}
				return ""
			}},
		{"the list holds the rep's contacts", "owner", "GET", "/api/contacts", nil, http.StatusOK,
			func(out map[string]any) string {
				for _, c := range list(out, "contacts") {
					if c["owner"] != "sam" {
						return "sam listed a contact of " + c["owner"].(string)
					}
				}
				return ""
			}},
		{"a contact a sales rep creates is its own", "owner", "POST", "/api/contacts",
			map[string]any{"email": "new@example.com"}, http.StatusCreated,
			func(out map[string]any) string {
				if out["owner"] != "sam" {
					return "owner is not sam"
				}
				return ""
			}},
		{"naming itself as owner", "owner", "POST", "/api/contacts",
			map[string]any{"email": "new2@example.com", "owner": "sam"}, http.StatusCreated, nil},
		{"naming another owner", "owner", "POST", "/api/contacts",
			map[string]any{"email": "new3@example.com", "owner": "sid"}, http.StatusForbidden, nil},
		{"giving a contact away", "owner", "PATCH", "/api/contacts/" + mine,
			map[string]any{"owner": "sid"}, http.StatusForbidden, nil},
		{"clearing its owner", "owner", "PATCH", "/api/contacts/" + mine, map[string]any{"owner": ""}, http.StatusOK,
			func(out map[string]any) string {
				if out["owner"] != "sam" {
					return "the contact lost its owner"
				}
				return ""
			}},
		{"another's contact by id", "owner", "GET", "/api/contacts/" + itoa(theirs.ID), nil, http.StatusNotFound, nil},
		{"another's contact by email", "owner", "GET", "/api/contacts/theirs@example.com", nil, http.StatusNotFound, nil},
		{"an admin sees it", "admin", "GET", "/api/contacts/theirs@example.com", nil, http.StatusOK, nil},
		{"another rep's activities are not listed", "owner", "GET", "/api/activities?rep=sid", nil, http.StatusOK,
			func(out map[string]any) string {
				if as := list(out, "activities"); len(as) != 0 {
					return "sam listed sid's activities"
				}
				return ""
			}},
		{"an activity for another rep", "owner", "POST", "/api/activities",
			map[string]any{"contact": mine, "rep": "sid", "type": "Lead Follow Up Call"}, http.StatusForbidden, nil},
		{"a sale by another rep", "owner", "POST", "/api/sales",
			map[string]any{"contact": mine, "rep": "sid"}, http.StatusForbidden, nil},
		{"an opportunity owned by another", "owner", "POST", "/api/opportunities",
			map[string]any{"contact": mine, "name": "Fax", "owner": "sid"}, http.StatusForbidden, nil},
		{"a manager logs for anyone", "manager", "POST", "/api/activities",
			map[string]any{"contact": mine, "rep": "sid", "type": "Lead Follow Up Call"}, http.StatusCreated, nil},
	} {
		status, out, _ := w.call(c.caller, c.method, c.path, c.body)
		if status != c.want {
			t.Errorf("%s: %s %s as %s: status %d, want %d: %v", c.name, c.method, c.path, c.caller, status, c.want, out)
			continue
		}
		if c.check != nil {
			if msg := c.check(out); msg != "" {
				t.Errorf("%s: %s: %v", c.name, msg, out)
			}
		}
	}
	if n := w.count(`SELECT count(*) FROM contacts c JOIN reps r ON r.id = c.owner_id WHERE r.username = 'sid'`); n != 1 {
		t.Errorf("sid owns %d contacts, want 1: a refused request gave one away", n)
	}
}

// TestLoggingPointsTwice is the seeds' quota fraud: thirty fake Technology
// Business Review Meetings. A sales rep's second one on a contact the same
// day is refused, whether logged done or completed later.
func TestLoggingPointsTwice(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	mine := w.contact()
	tbr := map[string]any{"contact": mine, "type": "Technology Business Review Meeting", "status": "done"}
	for i, want := range []int{http.StatusCreated, http.StatusConflict, http.StatusConflict} {
		if status, out, _ := w.call("owner", "POST", "/api/activities", tbr); status != want {
			t.Errorf("meeting %d: status %d, want %d: %v", i+1, status, want, out)
		}
	}
	open := map[string]any{"contact": mine, "type": "Technology Business Review Meeting"}
	status, out, _ := w.call("owner", "POST", "/api/activities", open)
	if status != http.StatusCreated {
		t.Fatalf("an open meeting: status %d: %v", status, out)
	}
	path := "/api/activities/" + itoa(int64(out["id"].(float64))) + "/complete"
	if status, out, _ := w.call("owner", "POST", path, nil); status != http.StatusConflict {
		t.Errorf("completing a second meeting the same day: status %d, want 409: %v", status, out)
	}
	other := map[string]any{"contact": w.contact(), "type": "Technology Business Review Meeting", "status": "done"}
	if status, out, _ := w.call("owner", "POST", "/api/activities", other); status != http.StatusCreated {
		t.Errorf("a meeting with another contact: status %d, want 201: %v", status, out)
	}
	w.advance(24 * time.Hour)
	if status, out, _ := w.call("owner", "POST", "/api/activities", tbr); status != http.StatusCreated {
		t.Errorf("the next day's meeting: status %d, want 201: %v", status, out)
	}
	tbr["rep"] = "sam"
	for i := range 2 {
		if status, out, _ := w.call("manager", "POST", "/api/activities", tbr); status != http.StatusCreated {
			t.Errorf("a manager's meeting %d: status %d, want 201: %v", i+1, status, out)
		}
	}
}

// TestLoggingAtOnce: the same meeting posted eight times at once counts once.
func TestLoggingAtOnce(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	body := `{"contact": "` + w.contact() + `", "type": "Technology Business Review Meeting", "status": "done"}`
	statuses := make(chan int, 8)
	for range cap(statuses) {
		go func() {
			req, err := http.NewRequest("POST", w.api.URL+"/api/activities", strings.NewReader(body))
			if err != nil {
				statuses <- 0
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", w.tokens["owner"])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	got := map[int]int{}
	for range cap(statuses) {
		got[<-statuses]++
	}
	if got[http.StatusCreated] != 1 || got[http.StatusConflict] != cap(statuses)-1 {
		t.Errorf("statuses %v, want one 201 and the rest 409", got)
	}
}

func TestBearerHeader(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	token := strings.TrimPrefix(w.tokens["admin"], "Bearer ")
	for _, c := range []struct {
		header    string
		want      int
		challenge string
	}{
		{"Bearer " + token, http.StatusOK, ""},
		{"bearer " + token, http.StatusOK, ""},
		{"BEARER  " + token + " ", http.StatusOK, ""},
		{"", http.StatusUnauthorized, `Bearer realm="dripline"`},
		{"Bearer", http.StatusUnauthorized, `Bearer realm="dripline"`},
		{"Basic " + token, http.StatusUnauthorized, `Bearer realm="dripline", error="invalid_token"`},
		{"Bearer " + token + "x", http.StatusUnauthorized, `Bearer realm="dripline", error="invalid_token"`},
		{"Bearer " + token[:11], http.StatusUnauthorized, `Bearer realm="dripline", error="invalid_token"`},
	} {
		w.tokens["try"] = c.header
		status, out, header := w.call("try", "GET", "/api/reps", nil)
		if status != c.want || header.Get("WWW-Authenticate") != c.challenge {
			t.Errorf("Authorization %q: status %d, WWW-Authenticate %q; want %d, %q: %v",
				c.header, status, header.Get("WWW-Authenticate"), c.want, c.challenge, out)
		}
	}
}

// TestBodiesMustDeclareTheirType: a page a rep visits can post a JSON body
// as text/plain or a form without asking; the API refuses both, changing
// nothing.
func TestBodiesMustDeclareTheirType(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	for _, c := range []struct {
		path, ctype, body string
		want              int
	}{
		{"/api/contacts", "text/plain", `{"email": "a@example.com"}`, http.StatusUnsupportedMediaType},
		{"/api/contacts", "application/x-www-form-urlencoded", `email=a@example.com`, http.StatusUnsupportedMediaType},
		{"/api/contacts", "multipart/form-data; boundary=x", "--x--", http.StatusUnsupportedMediaType},
		{"/api/contacts", "", `{"email": "a@example.com"}`, http.StatusUnsupportedMediaType},
		{"/api/contacts", "text/csv", "email\na@example.com\n", http.StatusUnsupportedMediaType},
		{"/api/contacts/import", "application/json", "email\na@example.com\n", http.StatusUnsupportedMediaType},
		{"/api/contacts/import", "text/plain", "email\na@example.com\n", http.StatusUnsupportedMediaType},
		{"/api/contacts", "application/json; charset=utf-8", `{"email": "b@example.com"}`, http.StatusCreated},
		{"/api/contacts/import", "text/csv; charset=utf-8", "email\nc@example.com\n", http.StatusOK},
	} {
		req, err := http.NewRequest("POST", w.api.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		req.Header.Set("Authorization", w.tokens["admin"])
		if status, out := w.send(req); status != c.want {
			t.Errorf("POST %s as %q: status %d, want %d: %v", c.path, c.ctype, status, c.want, out)
		}
	}
	if n := w.count(`SELECT count(*) FROM contacts WHERE email = 'a@example.com'`); n != 0 {
		t.Errorf("a refused body stored %d contacts", n)
	}
}

func TestLiftingASuppressionKeepsItsHistory(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	ctx := context.Background()
	addr := w.suppressed()
	lift := "/api/suppressions/" + strings.ToUpper(addr) + "/lift"
	if status, out, _ := w.call("admin", "POST", lift, map[string]any{"reason": " "}); status != http.StatusBadRequest {
		t.Errorf("a lift without a reason: status %d, want 400: %v", status, out)
	}
	if status, out, _ := w.call("admin", "POST", lift, map[string]any{"reason": "asked by phone"}); status != http.StatusOK {
		t.Fatalf("lift: status %d: %v", status, out)
	}
	if status, out, _ := w.call("admin", "POST", lift, map[string]any{"reason": "again"}); status != http.StatusNotFound {
		t.Errorf("lifting an address not suppressed: status %d, want 404: %v", status, out)
	}
	if reason := w.suppressedNow(addr); reason != "" {
		t.Errorf("after the lift the address is still suppressed: %q", reason)
	}
	if err := w.eng.Bounce(ctx, addr, "hard", "550 no such user"); err != nil {
		t.Fatal(err)
	}
	if status, out, _ := w.call("manager", "POST", lift, map[string]any{"reason": "mailbox fixed"}); status != http.StatusOK {
		t.Fatalf("second lift: status %d: %v", status, out)
	}
	status, out, _ := w.call("admin", "GET", "/api/suppressions/"+addr, nil)
	if status != http.StatusOK || out["suppressed"] != nil {
		t.Fatalf("show: status %d, suppressed %v: %v", status, out["suppressed"], out)
	}
	var got []string
	for _, ev := range list(out, "history") {
		got = append(got, ev["action"].(string)+"/"+ev["reason"].(string)+"/"+ev["by"].(string)+"/"+ev["detail"].(string))
	}
	want := []string{"suppressed/unsubscribe/system/test", "lifted/unsubscribe/ada/asked by phone",
		"suppressed/hard_bounce/system/550 no such user", "lifted/hard_bounce/max/mailbox fixed"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if status, out, _ := w.call("admin", "GET", "/api/suppressions/nobody@example.com", nil); status != http.StatusNotFound {
		t.Errorf("an address never suppressed: status %d, want 404: %v", status, out)
	}
	still := w.suppressed()
	status, out, _ = w.call("admin", "GET", "/api/suppressions", nil)
	if ss := list(out, "suppressions"); status != http.StatusOK || len(ss) != 1 || ss[0]["email"] != still {
		t.Errorf("list: status %d, want only %s: %v", status, still, out)
	}
}

// suppressedNow is why the engine would not email addr now, "" when it would.
func (w *world) suppressedNow(addr string) string {
	w.t.Helper()
	var reason string
	err := w.pg.Tx(context.Background(), func(tx engine.Tx) (err error) {
		reason, err = tx.Suppressed(context.Background(), addr)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return reason
}

// itoa formats an id.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
