// Package web serves the pages reps and managers work in: server-rendered
// HTML (html/template) with htmx where a page updates in place, both
// embedded in the binary, no build step.
//
// # Routes
//
//   - GET /login, POST /login, POST /logout: the login form (username,
//     password and a hidden CSRF field, checked against a cookie of its own
//     before any session exists) starts a session in the CRM's session
//     store ([Sessions], crm.Service: `dripline users password USERNAME`
//     sets the password); its cookie ([SessionCookie]) is HttpOnly,
//     SameSite=Lax, and Secure when Deps.PublicURL is https.
//   - GET /myday (?rep= for managers and admins), POST
//     /activities/{id}/complete: a rep's day, overdue first, each item
//     completed with a note and, in the same click, a follow-up scheduled
//     (the seeds' QNR); the month's points against quota as a bar.
//   - GET /contacts (?q= searches name, email and company; 50 a page),
//     GET /contacts/{ref}, POST /enrollments/{id}/pause|resume|unenroll.
//   - GET /tracks, POST /tracks/{id}/pause|resume|retire (managers, admins).
//   - GET /letters, /letters/preview/{kind}, /letters/batches/{id}.pdf,
//     POST /letters/print|email|purge (managers, admins; when Deps.Letters
//     is set).
//   - GET /dashboard (managers, admins; when Deps.Reports is set).
//
// A page without a session redirects (303) to /login?next=PATH, and the
// login goes back only to a local path. A page outside the viewer's role
// answers 403. GET never changes anything; every POST carries the
// session's CSRF token, compared in constant time.
//
// # Time
//
// Times show in the viewer's zone: the business's (Deps.Zone, default
// America/Los_Angeles), since reps have no zone of their own yet; every
// page's footer names it and each time carries a machine-readable UTC
// datetime attribute.
//
// # Files
//
// server.go holds the ports and routes, auth.go the login and the page
// guard, session.go the session cookie and the CSRF check, render.go the templates and the error pages (one classify), and
// one file per page. templates/ holds one file per page plus layout.html;
// static/ the stylesheet and htmx (see static/README.md).
package web
