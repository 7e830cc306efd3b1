package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// Sessions is the session store (crm.Service): it checks a username and
// password and starts a session, tells who a session's id stands for, and
// ends one. A wrong password or an unknown or expired session is a
// *crm.AuthError.
type Sessions interface {
	Login(ctx context.Context, username, password string) (crm.Session, crm.Actor, error)
	Session(ctx context.Context, id string) (crm.Session, crm.Actor, error)
	Logout(ctx context.Context, id string) error
}

var _ Sessions = (*crm.Service)(nil)

// viewer is who is looking at a page.
type viewer struct {
	Actor    crm.Actor
	Username string
	Name     string
	Session  crm.Session
	Zone     *time.Location
	// Letters and Dashboard say whether those pages are served.
	Letters, Dashboard bool
	// reps are the reps the viewer may see, read once per request to name
	// the viewer; pages listing reps use them rather than asking again.
	reps []engine.Rep
}

// Manager reports whether the viewer sees the managers' pages.
func (v viewer) Manager() bool { return v.Actor.Role != crm.RoleSales }

// roles lists who may open a page.
type roles []crm.Role

var (
	anyone   = roles{crm.RoleSales, crm.RoleAdmin, crm.RoleManager}
	managers = roles{crm.RoleAdmin, crm.RoleManager}
)

// pageHandler is a page told who is looking.
type pageHandler func(w http.ResponseWriter, r *http.Request, v viewer) error

// page wraps h: without a session it redirects to the login form (303,
// coming back here afterwards); outside the roles it answers 403; a POST
// must carry the session's CSRF token. An error h returns becomes its page.
func (p *Pages) page(allowed roles, h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := p.viewer(r)
		if _, ok := crm.AsAuthError(err); ok {
			p.toLogin(w, r)
			return
		}
		if err == nil && !slices.Contains(allowed, v.Actor.Role) {
			err = errForbidden
		}
		if err == nil && r.Method == http.MethodPost {
			err = CheckCSRF(v.Session, r)
		}
		if err == nil {
			err = h(w, r, v)
		}
		if err != nil {
			p.fail(w, r, v, err)
		}
	}
}

// viewer finds the session the request's cookie names.
func (p *Pages) viewer(r *http.Request) (viewer, error) {
	c, err := r.Cookie(SessionCookieName)
	if err != nil || c.Value == "" {
		return viewer{}, &crm.AuthError{}
	}
	s, a, err := p.d.Sessions.Session(r.Context(), c.Value)
	if err != nil {
		return viewer{}, err
	}
	v := viewer{Actor: a, Username: a.Username, Name: a.Username, Session: s, Zone: p.d.Zone,
		Letters: p.d.Letters != nil, Dashboard: p.d.Reports != nil}
	if v.reps, err = p.d.CRM.ListReps(r.Context(), a); err != nil {
		return viewer{}, err
	}
	for _, rep := range v.reps {
		if rep.ID == a.RepID && rep.Name != "" {
			v.Name = rep.Name
		}
	}
	return v, nil
}

// toLogin redirects to the login form, which comes back to this page.
func (p *Pages) toLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = "/myday"
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// localPath returns next when it is a path on this site, else /myday: a
// login never sends anyone elsewhere.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.Contains(next, `\`) || u.Scheme != "" || u.Host != "" {
		return "/myday"
	}
	return next
}

// loginPage is what the login form shows.
type loginPage struct {
	Next    string
	Error   string
	CSRF    string
	Message string
}

// loginForm shows the login form. Before a session exists, its CSRF token
// is a random value kept in a cookie of its own (double submit).
func (p *Pages) loginForm(w http.ResponseWriter, r *http.Request) {
	p.showLogin(w, r, http.StatusOK, loginPage{Next: localPath(r.URL.Query().Get("next"))})
}

// showLogin renders the login form with a fresh pre-session CSRF token.
func (p *Pages) showLogin(w http.ResponseWriter, r *http.Request, status int, lp loginPage) {
	lp.CSRF = crm.NewSecret()
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: lp.CSRF, Path: "/login",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isHTTPS(p.d.PublicURL)})
	p.render(w, r, status, "login", viewer{}, "Log in", lp)
}

// loginCSRFCookie holds the login form's CSRF token.
const loginCSRFCookie = "dripline_login"

// login checks the username and password and starts a session.
func (p *Pages) login(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.PostFormValue("next"))
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || CheckCSRF(crm.Session{CSRF: c.Value}, r) != nil {
		p.showLogin(w, r, http.StatusForbidden, loginPage{Next: next, Error: errBadForm.Error()})
		return
	}
	s, _, err := p.d.Sessions.Login(r.Context(), strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password"))
	if _, ok := crm.AsAuthError(err); ok {
		p.showLogin(w, r, http.StatusUnauthorized, loginPage{Next: next, Error: "The username or password is not right."})
		return
	}
	if err != nil {
		p.fail(w, r, viewer{}, err)
		return
	}
	http.SetCookie(w, SessionCookie(s, p.d.PublicURL))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session and clears its cookie.
func (p *Pages) logout(w http.ResponseWriter, r *http.Request, v viewer) error {
	if err := p.d.Sessions.Logout(r.Context(), v.Session.ID); err != nil {
		return err
	}
	http.SetCookie(w, SessionCookie(crm.Session{}, p.d.PublicURL))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
