package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/dripline/dripline/internal/crm"
)

// The pages know a logged-in rep by a session cookie; these are its two
// halves: the cookie the login sets, and the check of the CSRF token every
// form posts back.

// SessionCookieName names the session cookie.
const SessionCookieName = "dripline_session"

// CSRFField names the hidden form field carrying the session's CSRF token.
const CSRFField = "csrf"

// SessionCookie is the cookie holding a session started by crm.Login: not
// readable by scripts (HttpOnly), not sent with cross-site posts
// (SameSite=Lax), only over TLS when the public URL is https, and gone when
// the session expires. An empty id clears the cookie (logout).
func SessionCookie(s crm.Session, publicURL string) *http.Cookie {
	c := &http.Cookie{Name: SessionCookieName, Value: s.ID, Path: "/", Expires: s.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(publicURL)}
	if s.ID == "" {
		c.MaxAge, c.Expires = -1, time.Unix(0, 0)
	}
	return c
}

// CheckCSRF refuses a posted form whose CSRF field is not the session's
// token, compared in constant time; the page answers 403.
func CheckCSRF(s crm.Session, r *http.Request) error {
	got := r.PostFormValue(CSRFField)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
		return errBadForm
	}
	return nil
}

// isHTTPS reports whether a public URL is https, so cookies travel only
// over TLS.
func isHTTPS(publicURL string) bool {
	return strings.HasPrefix(strings.ToLower(publicURL), "https://")
}
