package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/web"
)

func TestSessionCookie(t *testing.T) {
	expires := time.Date(2026, 3, 3, 5, 0, 0, 0, time.UTC)
	s := crm.Session{ID: "abc", CSRF: "tok", ExpiresAt: expires}
	for _, c := range []struct {
		url    string
		secure bool
	}{{"https://crm.example.com", true}, {"HTTPS://crm.example.com/", true}, {"http://127.0.0.1:8080", false}} {
		got := web.SessionCookie(s, c.url)
		if got.Value != "abc" || !got.HttpOnly || got.SameSite != http.SameSiteLaxMode || got.Secure != c.secure ||
			got.Path != "/" || !got.Expires.Equal(expires) {
			t.Errorf("%s: %s", c.url, got)
		}
	}
	if out := web.SessionCookie(crm.Session{}, "https://x").String(); !strings.Contains(out, "Max-Age=0") {
		t.Errorf("the logout cookie does not clear it: %s", out)
	}
}

func TestCheckCSRF(t *testing.T) {
	s := crm.Session{ID: "abc", CSRF: "tok"}
	for _, c := range []struct {
		form string
		ok   bool
	}{{"csrf=tok", true}, {"csrf=tok2", false}, {"csrf=", false}, {"", false}, {"csrf=TOK", false}} {
		r := httptest.NewRequest("POST", "/login", strings.NewReader(c.form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := web.CheckCSRF(s, r); (err == nil) != c.ok {
			t.Errorf("form %q: %v, want ok %v", c.form, err, c.ok)
		}
	}
	r := httptest.NewRequest("POST", "/login?"+url.Values{"csrf": {"tok"}}.Encode(), nil)
	if err := web.CheckCSRF(s, r); err == nil {
		t.Error("a CSRF token in the URL was accepted: it must come in the posted form")
	}
}
