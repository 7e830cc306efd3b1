package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/httpapi"
	"github.com/dripline/dripline/internal/postgres"
)

// forms serves POST /forms/lead over e's CRM, with territories CA=alice and
// 981=carol, redirects allowed to https://www.example.com, and perMinute
// posts a minute from one address.
func (e *env) forms(perMinute int) *httptest.Server {
	e.t.Helper()
	terr, err := crm.ParseTerritories("CA=alice, 981=carol")
	if err != nil {
		e.t.Fatal(err)
	}
	leads, err := crm.NewLeads(crm.LeadsConfig{CRM: e.crm, Store: postgres.NewCRM(e.pool), Territories: terr, Clock: e.clock})
	if err != nil {
		e.t.Fatal(err)
	}
	h, err := httpapi.NewLeadForm(httpapi.LeadFormConfig{Leads: leads, PublicURL: "https://crm.example.com",
		Origins: []string{"https://www.example.com"}, BusinessName: "Summit", PerMinute: perMinute, Clock: e.clock})
	if err != nil {
		e.t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	e.t.Cleanup(srv.Close)
	return srv
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// post sends a form-encoded lead form and returns the status, the body and
// the Location header.
func post(t *testing.T, srv *httptest.Server, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := noRedirects.PostForm(srv.URL+"/forms/lead", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}

func TestLeadFormAssignsOwnersAndStartsTracks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, u := range []string{"alice", "bob", "carol"} {
		e.rep(u, "sales", 500)
	}
	e.rep("mgr", "manager", 500)
	srv := e.forms(100)
	lead := func(email, region, postal string) {
		t.Helper()
		status, body, _ := post(t, srv, url.Values{"email": {email}, "first_name": {"Pat"}, "region": {region},
			"postal_code": {postal}, "lead_source": {"Web"}, "campaign": {"Spring"}, "message": {"Call me about " + email}})
		if status != http.StatusOK || !strings.Contains(body, "Thank you") {
			t.Fatalf("post %s: %d %s", email, status, body)
		}
	}
	lead("ca@example.com", "ca", "")
	lead("wa@example.com", "WA", "98101")
	lead("r1@example.com", "NY", "10001") // round robin from here
	lead("r2@example.com", "", "")
	lead("r3@example.com", "", "")
	lead("r4@example.com", "", "")
	for email, owner := range map[string]string{"ca@example.com": "alice", "wa@example.com": "carol",
		"r1@example.com": "alice", "r2@example.com": "bob", "r3@example.com": "carol", "r4@example.com": "alice"} {
		c := e.must(http.StatusOK, "GET", "/api/contacts/"+email, nil)
		if c["owner"] != owner || c["lead_source"] != "Web" || c["campaign"] != "Spring" {
			t.Errorf("%s: owner %v, source %v, campaign %v; want %s, Web, Spring", email, c["owner"], c["lead_source"], c["campaign"], owner)
		}
	}
	ens := list(e.must(http.StatusOK, "GET", "/api/contacts/ca@example.com/enrollments", nil), "enrollments")
	if len(ens) != 1 || ens[0]["track"] != "welcome" {
		t.Errorf("enrollments of a web lead = %v, want welcome (contact.created)", ens)
	}
	acts := list(e.must(http.StatusOK, "GET", "/api/activities?contact=ca@example.com", nil), "activities")
	if len(acts) != 1 || acts[0]["notes"] != "Call me about ca@example.com" || acts[0]["rep"] != "alice" || acts[0]["status"] != "open" {
		t.Errorf("activities of a web lead = %v, want the message as alice's open follow-up", acts)
	}
	// A second form from a known address updates the contact; its owner,
	// lead source and campaign stay.
	status, _, _ := post(t, srv, url.Values{"email": {"CA@example.com"}, "company": {"Acme"}, "lead_source": {"Ad"}, "message": {"again"}})
	c := e.must(http.StatusOK, "GET", "/api/contacts/ca@example.com", nil)
	if status != http.StatusOK || c["company"] != "Acme" || c["owner"] != "alice" || c["lead_source"] != "Web" || c["email"] != "ca@example.com" {
		t.Errorf("known lead: %d %v", status, c)
	}
	if n := e.count(`SELECT count(*) FROM contacts`); n != 6 {
		t.Errorf("%d contacts, want 6", n)
	}
}

func TestLeadFormRoundRobinIsSharedAcrossDaemons(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, u := range []string{"alice", "bob", "carol"} {
		e.rep(u, "sales", 500)
	}
	one, two := e.forms(100), e.forms(100)
	for i, srv := range []*httptest.Server{one, two, two, one} {
		if status, body, _ := post(t, srv, url.Values{"email": {fmt.Sprintf("l%d@example.com", i)}}); status != http.StatusOK {
			t.Fatalf("post %d: %d %s", i, status, body)
		}
	}
	for i, owner := range []string{"alice", "bob", "carol", "alice"} {
		if c := e.must(http.StatusOK, "GET", fmt.Sprintf("/api/contacts/l%d@example.com", i), nil); c["owner"] != owner {
			t.Errorf("lead %d owned by %v, want %s", i, c["owner"], owner)
		}
	}
}

func TestLeadFormAbuseLimits(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rep("alice", "sales", 500)
	srv := e.forms(3)
	form := url.Values{"email": {"pat@example.com"}, "message": {"hello"}}
	// The honeypot: thanked, nothing stored.
	status, body, _ := post(t, srv, url.Values{"email": {"bot@example.com"}, "website": {"http://spam"}})
	if status != http.StatusOK || !strings.Contains(body, "Thank you") || e.count(`SELECT count(*) FROM contacts`) != 0 {
		t.Errorf("honeypot: %d %q, %d contacts", status, body, e.count(`SELECT count(*) FROM contacts`))
	}
	// The same form twice within minutes is handled once.
	post(t, srv, form)
	post(t, srv, form)
	if n := e.count(`SELECT count(*) FROM activities`); n != 1 {
		t.Errorf("the same form twice made %d activities, want 1", n)
	}
	// Too many from one address: 429 with Retry-After, until the minute is over.
	resp, err := noRedirects.PostForm(srv.URL+"/forms/lead", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "60" {
		t.Errorf("fourth post a minute: %d, Retry-After %q; want 429, 60", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	e.clock.Advance(11 * time.Minute)
	if status, _, _ := post(t, srv, form); status != http.StatusOK {
		t.Errorf("a minute later: %d, want 200", status)
	}
	if n := e.count(`SELECT count(*) FROM activities`); n != 2 {
		t.Errorf("the same form after the window made %d activities in all, want 2", n)
	}
	if n := e.count(`SELECT count(*) FROM contacts`); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
	e.clock.Advance(time.Minute)
	big := url.Values{"email": {"big@example.com"}, "message": {strings.Repeat("x", 20<<10)}}
	if status, _, _ := post(t, srv, big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 20 KiB form: %d, want 413", status)
	}
}

func TestLeadFormRefusesBadInputAndRedirects(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rep("alice", "sales", 500)
	srv := e.forms(100)
	for _, tt := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"first_name": {"Pat"}}, "email"},
		{url.Values{"email": {"not an address"}}, "email"},
		{url.Values{"phone": {"12"}}, "phone"},
		{url.Values{"email": {"a@example.com"}, "first_name": {strings.Repeat("P", 101)}}, "first_name"},
		{url.Values{"email": {"a@example.com"}, "redirect": {"https://evil.example.net/"}}, "redirect"},
		{url.Values{"email": {"a@example.com"}, "redirect": {"//evil.example.net/"}}, "redirect"},
		{url.Values{"email": {"a@example.com"}, "redirect": {"javascript:alert(1)"}}, "redirect"},
	} {
		status, body, _ := post(t, srv, tt.form)
		if status != http.StatusBadRequest || !strings.Contains(body, tt.field+":") {
			t.Errorf("%v: %d %q, want 400 naming %s", tt.form, status, body, tt.field)
		}
	}
	if n := e.count(`SELECT count(*) FROM contacts`); n != 0 {
		t.Errorf("refused forms stored %d contacts", n)
	}
	for _, target := range []string{"/thanks", "https://www.example.com/thanks?x=1", "https://crm.example.com/done"} {
		status, _, loc := post(t, srv, url.Values{"phone": {"(661) 555-0140"}, "redirect": {target}, "message": {target}})
		if status != http.StatusSeeOther || loc != target {
			t.Errorf("redirect %s: %d to %q, want 303 there", target, status, loc)
		}
	}
	if n := e.count(`SELECT count(*) FROM contacts WHERE external_id = 'lead-phone-6615550140'`); n != 1 {
		t.Errorf("phone-only leads made %d contacts, want 1", n)
	}
	// JSON works too, and names bad fields.
	req, _ := http.NewRequestWithContext(context.Background(), "POST", srv.URL+"/forms/lead",
		strings.NewReader(`{"email":"json@example.com","lead_source":"Web","colour":"red"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"field":"colour"`) {
		t.Errorf("unknown JSON field: %d %s", resp.StatusCode, body)
	}
	req, _ = http.NewRequestWithContext(context.Background(), "POST", srv.URL+"/forms/lead",
		strings.NewReader(`{"email":"json@example.com","lead_source":"Web"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"received"}` {
		t.Errorf("JSON lead: %d %s", resp.StatusCode, body)
	}
}
