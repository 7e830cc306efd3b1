package email

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
)

// Unsubscriber takes an address off every email list at once: it suppresses
// the address and ends the tracks that exit on contact.unsubscribed. Doing it
// twice must be harmless. The engine implements it.
type Unsubscriber interface {
	Unsubscribe(ctx context.Context, email, detail string) error
}

// Bouncer records a bounce reported by the mail provider. kind is "hard" or
// "complaint" (both suppress the address); soft bounces never reach it. The
// engine implements it.
type Bouncer interface {
	Bounce(ctx context.Context, email, kind, detail string) error
}

// Handlers serves the public email endpoints:
//
//	GET  /u/{token}        a page asking to confirm; it changes nothing, since
//	                       mail scanners follow links
//	POST /u/{token}        unsubscribes: the page's button, and the RFC 8058
//	                       one-click POST (body List-Unsubscribe=One-Click) that
//	                       mail clients send without cookies or login
//	POST /webhooks/bounce  {"email": "...", "type": "hard|soft|complaint", "detail": "..."}
type Handlers struct {
	// Secrets verify unsubscribe tokens: the key the Channel signs with
	// first, then keys rotated out that links in mail already sent carry.
	Secrets      [][]byte
	Unsubscriber Unsubscriber
	Bouncer      Bouncer
	BusinessName string // shown on the pages
	// WebhookToken must come as "Authorization: Bearer <token>" on the
	// bounce webhook; while it is empty the webhook answers 404, as if it
	// were not there.
	WebhookToken string
	Logger       *slog.Logger // default discards
}

// Register adds the endpoints to mux.
func (h *Handlers) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /u/{token}", h.confirm)
	mux.HandleFunc("POST /u/{token}", h.unsubscribe)
	mux.HandleFunc("POST /webhooks/bounce", h.bounce)
}

// confirm shows the confirmation page with its POST button.
func (h *Handlers) confirm(w http.ResponseWriter, r *http.Request) {
	email, err := VerifyKeys(h.Secrets, r.PathValue("token"))
	if err != nil {
		h.page(w, http.StatusBadRequest, pageData{Title: "Invalid link", Bad: true})
		return
	}
	h.page(w, http.StatusOK, pageData{Title: "Unsubscribe", Email: email, Ask: true})
}

// unsubscribe takes the address off the lists and confirms it. Repeating it
// gives the same page.
func (h *Handlers) unsubscribe(w http.ResponseWriter, r *http.Request) {
	email, err := VerifyKeys(h.Secrets, r.PathValue("token"))
	if err != nil {
		h.page(w, http.StatusBadRequest, pageData{Title: "Invalid link", Bad: true})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	detail := "unsubscribe page"
	if r.PostFormValue("List-Unsubscribe") == "One-Click" {
		detail = "one-click (RFC 8058)"
	}
	if err := h.Unsubscriber.Unsubscribe(r.Context(), email, detail); err != nil {
		h.logger().Error("unsubscribe failed", "email", email, "err", err)
		h.page(w, http.StatusInternalServerError, pageData{Title: "Please try again", Failed: true})
		return
	}
	h.logger().Info("unsubscribed", "email", email, "detail", detail)
	h.page(w, http.StatusOK, pageData{Title: "Unsubscribed", Email: email, Done: true})
}

// page writes one of the small HTML pages.
func (h *Handlers) page(w http.ResponseWriter, status int, d pageData) {
	d.Business = h.BusinessName
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.WriteHeader(status)
	if err := pages.Execute(w, d); err != nil {
		h.logger().Error("render unsubscribe page", "err", err)
	}
}

// authorized checks the webhook's bearer token: the scheme "Bearer" in any
// case (RFC 9110 makes it case-insensitive), the token in constant time.
func (h *Handlers) authorized(r *http.Request) bool {
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && h.WebhookToken != "" &&
		subtle.ConstantTimeCompare([]byte(strings.TrimLeft(got, " ")), []byte(h.WebhookToken)) == 1
}

func (h *Handlers) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}
