package httpapi

import (
	"context"
	"mime"
	"net/http"
	"strings"

	"github.com/dripline/dripline/internal/crm"
)

// Authenticator tells who an API token stands for: crm.Service over the
// PostgreSQL store. An unknown or revoked token is a *crm.AuthError.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (crm.Actor, error)
}

var _ Authenticator = (*crm.Service)(nil)

// Bearer is a Deps.Actor that reads `Authorization: Bearer TOKEN` (the
// scheme in any case) and asks auth who the token stands for. No token, or
// another scheme, is a *crm.AuthError: 401.
func Bearer(auth Authenticator) func(*http.Request) (crm.Actor, error) {
	return func(r *http.Request) (crm.Actor, error) {
		scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return crm.Actor{}, &crm.AuthError{Invalid: scheme != ""}
		}
		return auth.Authenticate(r.Context(), strings.TrimSpace(token))
	}
}

// refuseAll is the Deps.Actor when none is given: every /api/ request is
// refused with 401, so an API wired without authentication is closed.
func refuseAll(*http.Request) (crm.Actor, error) { return crm.Actor{}, &crm.AuthError{} }

// checkBody refuses a request whose body is not of the media type want
// (415): a browser can send a JSON body as text/plain from any page without
// asking, never as application/json. A request without a body passes.
func checkBody(r *http.Request, want string) error {
	if r.ContentLength == 0 {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == want {
		return nil
	}
	return &requestError{status: http.StatusUnsupportedMediaType, msg: "send the body with Content-Type: " + want}
}
