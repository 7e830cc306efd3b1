package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/httpapi"
	"github.com/dripline/dripline/internal/postgres"
)

// The callers every route is tried with: sam is a sales rep owning the
// contacts the requests name, sid another sales rep, ada an admin, max a
// manager; then no token, a token never issued and sam's revoked one.
var callers = []string{"owner", "other", "admin", "manager", "none", "bad", "revoked"}

// world is an API behind Bearer tokens with one rep of each kind.
type world struct {
	*env
	api    *httptest.Server
	tokens map[string]string // caller → Authorization header value
	n      atomic.Int64      // numbers fresh rows
}

// setupWorld builds a world for t.
func setupWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{env: setup(t), tokens: map[string]string{"none": "", "bad": "Bearer dl_AAAAAAAAnotatokenanyoneissued"}}
	l, err := crm.NewLetters(crm.LettersConfig{Store: postgres.NewLetters(w.pool), Clock: w.clock})
	if err != nil {
		t.Fatal(err)
	}
	w.api = httptest.NewServer(httpapi.New(httpapi.Deps{CRM: w.crm, Engine: w.eng, Letters: l, Reports: w.reports,
		Actor: httpapi.Bearer(w.crm)}))
	t.Cleanup(w.api.Close)
	for caller, rep := range map[string][2]string{"owner": {"sam", "sales"}, "other": {"sid", "sales"},
		"admin": {"ada", "admin"}, "manager": {"max", "manager"}} {
		if _, err := w.crm.CreateRep(ctx, crm.System, crm.RepFields{Username: rep[0], Role: rep[1]}); err != nil {
			t.Fatal(err)
		}
		token, _, err := w.crm.IssueToken(ctx, crm.System, rep[0], "test")
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[caller] = "Bearer " + token
	}
	old, tok, err := w.crm.IssueToken(ctx, crm.System, "sam", "old laptop")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.crm.RevokeToken(ctx, crm.System, tok.Prefix); err != nil {
		t.Fatal(err)
	}
	w.tokens["revoked"] = "Bearer " + old
	return w
}

// next returns a number no other call returned.
func (w *world) next() int64 { return w.n.Add(1) }

// contact creates a contact owned by sam (enrolled on welcome) and returns
// its reference.
func (w *world) contact() string {
	w.t.Helper()
	ref := fmt.Sprintf("c-%d", w.next())
	_, err := w.crm.CreateContact(context.Background(), crm.System, crm.ContactFields{
		ExternalID: ptr(ref), Email: ptr(ref + "@example.com"), FirstName: ptr("Pat"), Owner: ptr("sam")})
	if err != nil {
		w.t.Fatal(err)
	}
	return ref
}

// enrollment returns the id of a new active enrollment of one of sam's
// contacts, paused when paused is true.
func (w *world) enrollment(paused bool) int64 {
	w.t.Helper()
	ctx := context.Background()
	es, err := w.crm.Enrollments(ctx, crm.System, w.contact())
	if err != nil || len(es) != 1 {
		w.t.Fatalf("enrollments %v: %v", es, err)
	}
	if paused {
		if err := w.eng.Pause(ctx, es[0].ID); err != nil {
			w.t.Fatal(err)
		}
	}
	return es[0].ID
}

// opportunity returns the id of a new opportunity on one of sam's contacts.
func (w *world) opportunity() int64 {
	w.t.Helper()
	o, err := w.crm.CreateOpportunity(context.Background(), crm.System,
		crm.OpportunityFields{Contact: ptr(w.contact()), Name: ptr("Copier")})
	if err != nil {
		w.t.Fatal(err)
	}
	return o.ID
}

// activity returns the id of a new open activity of sam's, on its contact.
func (w *world) activity() int64 {
	w.t.Helper()
	a, err := w.crm.CreateActivity(context.Background(), crm.System,
		crm.ActivityFields{Contact: w.contact(), Type: "Lead Follow Up Call"})
	if err != nil {
		w.t.Fatal(err)
	}
	return a.ID
}

// unmailable files a letter without a city whose contact's address is then
// fixed behind the CRM's back, so a GET refiling it would change the
// database. It returns no body.
func (w *world) unmailable() any {
	w.t.Helper()
	ref := fmt.Sprintf("l-%d", w.next())
	w.fileLetter(ref, "birthday", "")
	if _, err := w.pool.Exec(context.Background(), `UPDATE contacts SET city = 'Fresno' WHERE external_id = $1`, ref); err != nil {
		w.t.Fatal(err)
	}
	return nil
}

// suppressed returns a new address on the suppression list.
func (w *world) suppressed() string {
	w.t.Helper()
	addr := fmt.Sprintf("gone-%d@example.com", w.next())
	if err := w.eng.Unsubscribe(context.Background(), addr, "test"); err != nil {
		w.t.Fatal(err)
	}
	return addr
}

// csvBody is a request body sent as text/csv.
type csvBody string

// call sends a request as caller and returns the status and the JSON answer.
func (w *world) call(caller, method, path string, body any) (int, map[string]any, http.Header) {
	w.t.Helper()
	rd, ctype := w.jsonBody(body), "application/json"
	if b, ok := body.(csvBody); ok {
		rd, ctype = strings.NewReader(string(b)), "text/csv"
	}
	req, err := http.NewRequest(method, w.api.URL+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if v := w.tokens[caller]; v != "" {
		req.Header.Set("Authorization", v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		w.t.Fatalf("%s %s: answer is not a JSON object: %v", method, path, err)
	}
	return resp.StatusCode, out, resp.Header
}

// fingerprint hashes every row of every table but the tokens' (whose last
// use a request notes), to tell whether a request changed anything.
func (w *world) fingerprint() string {
	w.t.Helper()
	ctx := context.Background()
	rows, err := w.pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'api_tokens' ORDER BY 1`)
	if err != nil {
		w.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			w.t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if rows.Err() != nil {
		w.t.Fatal(rows.Err())
	}
	var sum strings.Builder
	for _, table := range tables {
		var h string
		err := w.pool.QueryRow(ctx, fmt.Sprintf(`SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')
			FROM %q t`, table)).Scan(&h)
		if err != nil {
			w.t.Fatal(err)
		}
		sum.WriteString(table + "=" + h + ";")
	}
	return sum.String()
}

// roles is the status each rep's request gets; callers without a valid
// token always get 401.
type roles struct{ owner, other, admin, manager int }

// routeCase is one route: how to build a request to it and what each
// caller gets.
type routeCase struct {
	pattern string // as the API registers it
	req     func(w *world) (path string, body any)
	want    roles
}

// fixed is a request needing no fresh rows.
func fixed(path string, body any) func(*world) (string, any) {
	return func(*world) (string, any) { return path, body }
}

const (
	ok      = http.StatusOK
	created = http.StatusCreated
	bad     = http.StatusBadRequest
	denied  = http.StatusForbidden
	missing = http.StatusNotFound
)

// routeCases lists every /api/ route. A sales rep naming another rep's
// contact in the path gets 404; in a body, the 400 of an unknown contact.
var routeCases = []routeCase{
	{"GET /api/reps", fixed("/api/reps", nil), roles{ok, ok, ok, ok}},
	{"POST /api/reps", func(w *world) (string, any) {
		return "/api/reps", map[string]any{"username": fmt.Sprintf("new-%d", w.next())}
	}, roles{denied, denied, created, created}},
	{"GET /api/reps/{rep}/myday", fixed("/api/reps/sam/myday", nil), roles{ok, denied, ok, ok}},

	{"GET /api/contacts", fixed("/api/contacts", nil), roles{ok, ok, ok, ok}},
	{"POST /api/contacts", func(w *world) (string, any) {
		return "/api/contacts", map[string]any{"email": fmt.Sprintf("new-%d@example.com", w.next())}
	}, roles{created, created, created, created}},
	{"POST /api/contacts/import", func(w *world) (string, any) {
		return "/api/contacts/import", csvBody(fmt.Sprintf("email,owner\nimp-%d@example.com,sam\n", w.next()))
	}, roles{denied, denied, ok, ok}},
	{"GET /api/contacts/{ref}", func(w *world) (string, any) { return "/api/contacts/" + w.contact(), nil },
		roles{ok, missing, ok, ok}},
	{"PATCH /api/contacts/{ref}", func(w *world) (string, any) {
		return "/api/contacts/" + w.contact(), map[string]any{"title": "Owner"}
	}, roles{ok, missing, ok, ok}},
	{"GET /api/contacts/{ref}/timeline", func(w *world) (string, any) {
		return "/api/contacts/" + w.contact() + "/timeline", nil
	}, roles{ok, missing, ok, ok}},
	{"GET /api/contacts/{ref}/touches", func(w *world) (string, any) {
		return "/api/contacts/" + w.contact() + "/touches", nil
	}, roles{ok, missing, ok, ok}},
	{"GET /api/contacts/{ref}/enrollments", func(w *world) (string, any) {
		return "/api/contacts/" + w.contact() + "/enrollments", nil
	}, roles{ok, missing, ok, ok}},

	{"POST /api/opportunities", func(w *world) (string, any) {
		return "/api/opportunities", map[string]any{"contact": w.contact(), "name": "Copier"}
	}, roles{created, bad, created, created}},
	{"GET /api/opportunities/{id}", func(w *world) (string, any) {
		return fmt.Sprintf("/api/opportunities/%d", w.opportunity()), nil
	}, roles{ok, missing, ok, ok}},
	{"PATCH /api/opportunities/{id}", func(w *world) (string, any) {
		return fmt.Sprintf("/api/opportunities/%d", w.opportunity()), map[string]any{"stage": "Proposal"}
	}, roles{ok, missing, ok, ok}},
	{"POST /api/sales", func(w *world) (string, any) {
		return "/api/sales", map[string]any{"contact": w.contact(), "amount": 100}
	}, roles{created, bad, created, created}},

	{"POST /api/events", func(w *world) (string, any) {
		return "/api/events", map[string]any{"contact": w.contact(), "event": "contact.updated"}
	}, roles{ok, missing, ok, ok}},
	{"POST /api/events/import", func(w *world) (string, any) {
		return "/api/events/import", csvBody("contact,event,at\n" + w.contact() + ",contact.updated,2026-03-02T17:00:00Z\n")
	}, roles{denied, denied, ok, ok}},
	{"POST /api/enrollments", func(w *world) (string, any) {
		return "/api/enrollments", map[string]any{"track": "newsletter", "contacts": []string{w.contact()}}
	}, roles{ok, bad, ok, ok}},
	{"POST /api/enrollments/{id}/pause", func(w *world) (string, any) {
		return fmt.Sprintf("/api/enrollments/%d/pause", w.enrollment(false)), nil
	}, roles{denied, denied, ok, ok}},
	{"POST /api/enrollments/{id}/resume", func(w *world) (string, any) {
		return fmt.Sprintf("/api/enrollments/%d/resume", w.enrollment(true)), nil
	}, roles{denied, denied, ok, ok}},
	{"POST /api/enrollments/{id}/unenroll", func(w *world) (string, any) {
		return fmt.Sprintf("/api/enrollments/%d/unenroll", w.enrollment(false)), map[string]any{"reason": "asked"}
	}, roles{denied, denied, ok, ok}},

	{"GET /api/activities", fixed("/api/activities", nil), roles{ok, ok, ok, ok}},
	{"POST /api/activities", func(w *world) (string, any) {
		return "/api/activities", map[string]any{"contact": w.contact(), "type": "Lead Follow Up Call"}
	}, roles{created, bad, created, created}},
	{"POST /api/activities/{id}/complete", func(w *world) (string, any) {
		return fmt.Sprintf("/api/activities/%d/complete", w.activity()), nil
	}, roles{ok, missing, ok, ok}},

	{"GET /api/letters", func(w *world) (string, any) { return "/api/letters", w.unmailable() }, roles{ok, ok, ok, ok}},
	{"GET /api/letters/unmailable", func(w *world) (string, any) { return "/api/letters/unmailable", w.unmailable() },
		roles{ok, ok, ok, ok}},
	{"POST /api/letters/print", fixed("/api/letters/print", map[string]any{"kind": "none-waiting"}), roles{denied, denied, ok, ok}},
	{"POST /api/letters/purge", fixed("/api/letters/purge", map[string]any{"kind": "birthday", "reason": "old copy"}),
		roles{denied, denied, ok, ok}},
	// No mailer here: a kind left out shows the role gate comes before the 400.
	{"POST /api/letters/email", fixed("/api/letters/email", map[string]any{"kind": ""}), roles{denied, denied, bad, bad}},
	{"GET /api/letters/batches", fixed("/api/letters/batches", nil), roles{denied, denied, ok, ok}},
	{"GET /api/letters/batches/{batch}", fixed("/api/letters/batches/99", nil), roles{denied, denied, missing, missing}},
	{"GET /api/letters/batches/{id}/pdf", fixed("/api/letters/batches/99/pdf", nil), roles{denied, denied, missing, missing}},

	{"GET /api/campaigns", fixed("/api/campaigns", nil), roles{ok, ok, ok, ok}},
	{"POST /api/campaigns", func(w *world) (string, any) {
		return "/api/campaigns", map[string]any{"name": fmt.Sprintf("Expo %d", w.next()), "type": "Event", "cost": "1200"}
	}, roles{denied, denied, created, created}},
	// A sales rep gets its own rows of every report.
	{"GET /api/reports/{name}", fixed("/api/reports/points", nil), roles{ok, ok, ok, ok}},

	{"GET /api/suppressions", fixed("/api/suppressions", nil), roles{denied, denied, ok, ok}},
	{"GET /api/suppressions/{email}", func(w *world) (string, any) {
		return "/api/suppressions/" + w.suppressed(), nil
	}, roles{denied, denied, ok, ok}},
	{"POST /api/suppressions/{email}/lift", func(w *world) (string, any) {
		return "/api/suppressions/" + w.suppressed() + "/lift", map[string]any{"reason": "asked by phone"}
	}, roles{denied, denied, ok, ok}},
}

// TestEveryRouteWithEveryCaller walks every /api/ route the API registers
// with every kind of caller, and checks that a GET changes nothing.
func TestEveryRouteWithEveryCaller(t *testing.T) {
	t.Parallel()
	var api, public []string
	for _, p := range httpapi.Routes() {
		if strings.Contains(p, " /api/") {
			api = append(api, p)
		} else {
			public = append(public, p)
		}
	}
	if !slices.Equal(public, []string{"GET /healthz"}) {
		t.Errorf("routes outside /api/ need no token: %q; check each is meant to be public", public)
	}
	var listed []string
	for _, c := range routeCases {
		listed = append(listed, c.pattern)
	}
	for _, p := range api {
		if !slices.Contains(listed, p) {
			t.Errorf("route %q has no entry in routeCases: say who may call it", p)
		}
	}
	for _, p := range listed {
		if !slices.Contains(api, p) {
			t.Errorf("routeCases lists %q, which the API does not register", p)
		}
	}
	w := setupWorld(t)
	if status, out, _ := w.call("none", "GET", "/healthz", nil); status != http.StatusOK {
		t.Errorf("GET /healthz without a token: status %d: %v", status, out)
	}
	for _, c := range routeCases {
		method := strings.Fields(c.pattern)[0]
		for _, caller := range callers {
			want := map[string]int{"owner": c.want.owner, "other": c.want.other, "admin": c.want.admin,
				"manager": c.want.manager}[caller]
			if want == 0 {
				want = http.StatusUnauthorized
			}
			path, body := c.req(w)
			before := ""
			if method == http.MethodGet || want >= 400 {
				before = w.fingerprint()
			}
			status, out, header := w.call(caller, method, path, body)
			if status != want {
				t.Errorf("%s %s as %s: status %d, want %d: %v", method, path, caller, status, want, out)
			}
			if status == http.StatusUnauthorized && !strings.HasPrefix(header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s as %s: 401 without WWW-Authenticate: Bearer", method, path, caller)
			}
			if before != "" && w.fingerprint() != before {
				t.Errorf("%s %s as %s (status %d) changed the database", method, path, caller, status)
			}
		}
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
