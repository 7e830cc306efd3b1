package email

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strings"
)

// BounceReport is the body of POST /webhooks/bounce.
type BounceReport struct {
	Email  string `json:"email"`
	Type   string `json:"type"` // hard | soft | complaint
	Detail string `json:"detail"`
}

// maxDetail caps the detail kept from a bounce report.
const maxDetail = 1000

// bounce records a bounce reported by the mail provider. Soft bounces are
// accepted and ignored. Without a WebhookToken the webhook is closed: 404, so
// that nobody can hard-bounce an address of their choice.
func (h *Handlers) bounce(w http.ResponseWriter, r *http.Request) {
	if h.WebhookToken == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found: the bounce webhook is off until DRIPLINE_WEBHOOK_TOKEN is set"})
		return
	}
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dripline"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong bearer token"})
		return
	}
	rep, err := DecodeBounce(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if rep.Type == "soft" {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ignored"})
		return
	}
	if err := h.Bouncer.Bounce(r.Context(), rep.Email, rep.Type, rep.Detail); err != nil {
		h.logger().Error("bounce failed", "email", rep.Email, "type", rep.Type, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	h.logger().Info("bounce recorded", "email", rep.Email, "type", rep.Type)
	writeJSON(w, http.StatusOK, map[string]string{"status": "suppressed"})
}

// DecodeBounce reads and checks one bounce report. Its errors name the field
// (or the byte offset) that is wrong.
func DecodeBounce(r io.Reader) (BounceReport, error) {
	var b BounceReport
	dec := json.NewDecoder(r)
	if err := dec.Decode(&b); err != nil {
		return b, jsonError(err)
	}
	if dec.More() {
		return b, errors.New("body: more than one JSON value")
	}
	b.Email = strings.TrimSpace(b.Email)
	switch a, err := mail.ParseAddress(b.Email); {
	case b.Email == "":
		return b, errors.New(`field "email": required`)
	case err != nil || a.Address != b.Email:
		return b, fmt.Errorf(`field "email": %q is not a bare email address`, b.Email)
	}
	switch b.Type {
	case "hard", "soft", "complaint":
	case "":
		return b, errors.New(`field "type": required (hard, soft or complaint)`)
	default:
		return b, fmt.Errorf(`field "type": %q, want hard, soft or complaint`, b.Type)
	}
	if len(b.Detail) > maxDetail {
		b.Detail = strings.ToValidUTF8(b.Detail[:maxDetail], "")
	}
	return b, nil
}

// jsonError says what is wrong with a body that does not decode.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var me *http.MaxBytesError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return fmt.Errorf("field %q: got %s, want a string", te.Field, te.Value)
	case errors.As(err, &te):
		return fmt.Errorf("body: got %s, want a JSON object", te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("body: invalid JSON at byte %d: %v", se.Offset, err)
	case errors.As(err, &me):
		return fmt.Errorf("body: larger than %d bytes", me.Limit)
	case errors.Is(err, io.EOF):
		return errors.New("body: empty, want a JSON object with email and type")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("body: JSON ends too early")
	}
	return fmt.Errorf("body: %v", err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
