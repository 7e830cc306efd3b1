package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/crm"
)

// csrfRE finds a form's CSRF token.
var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and returns its status, Location and body.
func (e *env) get(c *http.Client, path string) (int, string, string) {
	e.t.Helper()
	resp, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	return read(e.t, resp)
}

// post sends a form and returns the status, Location and body.
func (e *env) post(c *http.Client, path string, form url.Values) (int, string, string) {
	e.t.Helper()
	resp, err := c.PostForm(e.srv.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	return read(e.t, resp)
}

func read(t *testing.T, resp *http.Response) (int, string, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// login logs c in as username and returns the session's CSRF token.
func (e *env) login(c *http.Client, username string) string {
	e.t.Helper()
	_, _, body := e.get(c, "/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("login form without a CSRF field:\n%s", body)
	}
	status, loc, body := e.post(c, "/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {password}, "next": {"/myday"}})
	if status != http.StatusSeeOther || loc != "/myday" {
		e.t.Fatalf("login as %s = %d to %q, want 303 to /myday:\n%s", username, status, loc, body)
	}
	_, _, body = e.get(c, "/myday")
	if m = csrfRE.FindStringSubmatch(body); m == nil {
		e.t.Fatalf("My Day without a CSRF field:\n%s", body)
	}
	return m[1]
}

func TestLogin(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := e.client()
	if status, loc, _ := e.get(c, "/contacts/c-1?x=1"); status != http.StatusSeeOther || loc != "/login?next=%2Fcontacts%2Fc-1%3Fx%3D1" {
		t.Fatalf("a page without a session = %d to %q, want 303 to the login with the way back", status, loc)
	}
	status, _, body := e.get(c, "/login?next=/tracks")
	for _, want := range []string{`name="username"`, `name="password"`, `type="hidden" name="csrf"`, `name="next" value="/tracks"`} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("GET /login = %d without %s:\n%s", status, want, body)
		}
	}
	token := csrfRE.FindStringSubmatch(body)[1]
	cases := []struct {
		name           string
		form           url.Values
		status         int
		location, body string
	}{
		{"no CSRF token", url.Values{"username": {"sam"}, "password": {password}}, http.StatusForbidden, "", "reload the page"},
		{"wrong password", url.Values{"csrf": {token}, "username": {"sam"}, "password": {"nope"}}, http.StatusUnauthorized, "", "not right"},
		{"elsewhere", url.Values{"csrf": {token}, "username": {"sam"}, "password": {password}, "next": {"//evil.example/x"}}, http.StatusSeeOther, "/myday", ""},
		{"back to the page", url.Values{"csrf": {token}, "username": {"sam"}, "password": {password}, "next": {"/contacts/c-1"}}, http.StatusSeeOther, "/contacts/c-1", ""},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(tc.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "dripline_login", Value: token})
		resp, err := e.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		cookies := resp.Cookies()
		status, loc, body := read(t, resp)
		if status != tc.status || loc != tc.location || !strings.Contains(body, tc.body) {
			t.Errorf("%s: POST /login = %d to %q, want %d to %q with %q:\n%s", tc.name, status, loc, tc.status, tc.location, tc.body, body)
		}
		if status != http.StatusSeeOther {
			continue
		}
		if s := sessionCookie(cookies); s == nil || !s.HttpOnly || s.SameSite != http.SameSiteLaxMode || s.Secure || s.Path != "/" {
			t.Errorf("%s: session cookie %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over http", tc.name, s)
		}
	}
}

// sessionCookie picks the session cookie.
func sessionCookie(cs []*http.Cookie) *http.Cookie {
	for _, c := range cs {
		if c.Name == "dripline_session" {
			return c
		}
	}
	return nil
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := e.client()
	csrf := e.login(c, "sam")
	if status, _, _ := e.post(c, "/logout", nil); status != http.StatusForbidden {
		t.Fatalf("logout without the CSRF token = %d, want 403", status)
	}
	if status, loc, _ := e.post(c, "/logout", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther || loc != "/login" {
		t.Fatalf("logout = %d to %q, want 303 to /login", status, loc)
	}
	if status, _, _ := e.get(c, "/myday"); status != http.StatusSeeOther {
		t.Fatalf("My Day after logout = %d, want 303 to the login", status)
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sam, mia := e.client(), e.client()
	samCSRF := e.login(sam, "sam")
	e.login(mia, "mia")
	for _, path := range []string{"/tracks", "/dashboard"} {
		if status, _, body := e.get(sam, path); status != http.StatusForbidden || !strings.Contains(body, "Not for your role") {
			t.Errorf("sales GET %s = %d, want the 403 page:\n%s", path, status, body)
		}
		if status, _, body := e.get(mia, path); status != http.StatusOK {
			t.Errorf("manager GET %s = %d, want 200:\n%s", path, status, body)
		}
	}
	if status, _, _ := e.post(sam, "/tracks/general-interest/pause", url.Values{"csrf": {samCSRF}}); status != http.StatusForbidden {
		t.Errorf("sales pausing a track = %d, want 403", status)
	}
	ctx := context.Background()
	ens, err := e.crm.Enrollments(ctx, crm.System, "c-1")
	if err != nil || len(ens) == 0 {
		t.Fatalf("enrollments of c-1: %v, %v", ens, err)
	}
	path := "/enrollments/" + itoa(ens[0].ID) + "/pause"
	if status, _, _ := e.post(sam, path, url.Values{"csrf": {samCSRF}, "contact": {"c-1"}}); status != http.StatusForbidden {
		t.Errorf("a sales rep pausing its contact's enrollment = %d, want 403 (managers and admins run enrollments)", status)
	}
	// Another sales rep sees neither sam's contact nor sam's day.
	if _, err := e.crm.CreateRep(ctx, crm.System, crm.RepFields{Username: "sue", Role: "sales"}); err != nil {
		t.Fatal(err)
	}
	if err := e.crm.SetPassword(ctx, crm.System, "sue", password); err != nil {
		t.Fatal(err)
	}
	sue := e.client()
	sueCSRF := e.login(sue, "sue")
	if status, _, _ := e.get(sue, "/contacts/c-1"); status != http.StatusNotFound {
		t.Errorf("another sales rep's contact = %d, want 404", status)
	}
	if _, _, body := e.get(sue, "/myday?rep=sam"); strings.Contains(body, "Call Pat") {
		t.Errorf("a sales rep picked another rep's My Day:\n%s", body)
	}
	status, _, _ := e.post(sue, "/activities/"+itoa(e.open.ID)+"/complete", url.Values{"csrf": {sueCSRF}, "follow_up": {"none"}})
	if a, _ := e.crm.Activity(ctx, crm.System, e.open.ID); status < 400 || a.Status != "open" {
		t.Errorf("another sales rep completing sam's activity = %d, activity %s; want refused and open", status, a.Status)
	}
}

func TestMyDayCompleteWithFollowUp(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := e.client()
	csrf := e.login(c, "sam")
	_, _, body := e.get(c, "/myday")
	for _, want := range []string{"Call Pat about the demo", "0 of 400 points", "Mon Mar 2, 2037 11:00 AM PST", "4-day check-in with Pat", "Overdue"} {
		if !strings.Contains(body, want) {
			t.Fatalf("My Day without %q:\n%s", want, body)
		}
	}
	path := "/activities/" + itoa(e.open.ID) + "/complete"
	if status, _, _ := e.post(c, path, url.Values{"note": {"left a message"}, "follow_up": {"1d"}}); status != http.StatusForbidden {
		t.Fatalf("completing without the CSRF token = %d, want 403", status)
	}
	if a, _ := e.crm.Activity(context.Background(), crm.System, e.open.ID); a.Status != "open" {
		t.Fatalf("a refused form changed the activity: %+v", a)
	}
	status, loc, _ := e.post(c, path, url.Values{"csrf": {csrf}, "note": {"left a message"}, "follow_up": {"1d"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/myday?done=") {
		t.Fatalf("QNR = %d to %q, want 303 back to My Day", status, loc)
	}
	done, _ := e.crm.Activity(context.Background(), crm.System, e.open.ID)
	if done.Status != "done" || !strings.Contains(done.Notes, "left a message") {
		t.Fatalf("completed activity = %+v, want done with the note", done)
	}
	all, err := e.crm.ListActivities(context.Background(), crm.System, crm.ActivityFilter{Rep: "sam", Status: "open"})
	if err != nil {
		t.Fatal(err)
	}
	var open []crm.Activity
	for _, a := range all {
		if a.TouchID == 0 {
			open = append(open, a)
		}
	}
	tomorrow := time.Date(2037, 3, 3, 17, 0, 0, 0, time.UTC) // 9:00 in Los Angeles
	if len(open) != 1 || open[0].Due == nil || !open[0].Due.Equal(tomorrow) || open[0].Subject != "Follow up: Call Pat about the demo" {
		t.Fatalf("follow-ups = %+v, want one due %s", open, tomorrow)
	}
}

func TestContactPage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := e.client()
	e.login(c, "mia")
	status, _, body := e.get(c, "/contacts/c-1")
	for _, want := range []string{"Pat Lee", "Acme Dental", "general-interest", "projected from the plan", "Pause", "Unenroll"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("contact page = %d without %q:\n%s", status, want, body)
		}
	}
	if status, _, _ := e.get(c, "/contacts/nobody"); status != http.StatusNotFound {
		t.Fatalf("unknown contact = %d, want 404", status)
	}
	for q, want := range map[string]string{"acme": "Pat Lee", "PAT@": "Pat Lee", "lee": "Pat Lee", "zzz": "No contact matches"} {
		if _, _, body := e.get(c, "/contacts?q="+url.QueryEscape(q)); !strings.Contains(body, want) {
			t.Errorf("search %q without %q", q, want)
		}
	}
}

func TestTrackPauseResume(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := e.client()
	csrf := e.login(c, "mia")
	for _, step := range []struct{ op, state string }{{"pause", "paused"}, {"resume", "active"}, {"retire", "retired"}} {
		status, loc, body := e.post(c, "/tracks/general-interest/"+step.op, url.Values{"csrf": {csrf}})
		if status != http.StatusSeeOther {
			t.Fatalf("%s = %d:\n%s", step.op, status, body)
		}
		u, _ := url.Parse(loc)
		_, _, body = e.get(c, u.RequestURI())
		if !strings.Contains(body, "general-interest is "+step.state) {
			t.Fatalf("after %s the page does not say the track is %s:\n%s", step.op, step.state, body)
		}
	}
	if status, _, _ := e.post(c, "/tracks/no-such-track/pause", url.Values{"csrf": {csrf}}); status != http.StatusNotFound {
		t.Fatalf("pausing an unknown track = %d, want 404", status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDashboard(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.crm.CompleteActivity(context.Background(), crm.System, e.open.ID, "done"); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	e.login(c, "mia")
	status, _, body := e.get(c, "/dashboard")
	for _, want := range []string{`aria-label="Chart of points earned`, ">1 of 400<", `aria-label="Chart of open amount by stage`,
		">12000<", "<td>Presentation</td><td>1</td><td>12000.00</td><td>9000.00</td>", "Leads by source", "Due today"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("dashboard = %d without %q:\n%s", status, want, body)
		}
	}
}

func TestMyDayRepPicker(t *testing.T) {
	t.Parallel()
	e := setup(t)
	mia := e.client()
	e.login(mia, "mia")
	if _, _, body := e.get(mia, "/myday?rep=sam"); !strings.Contains(body, `<option value="sam" selected>Sam Ortiz</option>`) {
		t.Errorf("a manager's My Day without the rep picker on sam:\n%s", body)
	}
	sam := e.client()
	e.login(sam, "sam")
	if _, _, body := e.get(sam, "/myday"); strings.Contains(body, "<option") {
		t.Errorf("a sales rep's My Day has a rep picker:\n%s", body)
	}
}
