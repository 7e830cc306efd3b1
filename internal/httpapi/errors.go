package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// requestError is a request the API refuses before it reaches the store:
// malformed JSON, an unknown field, a body too large, a wrong content type.
type requestError struct {
	status int
	msg    string
	field  string
}

// Error returns the message the client sees.
func (e *requestError) Error() string { return e.msg }

// badRequest returns a 400 error about field.
func badRequest(field, format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...), field: field}
}

// errorBody is the JSON of every failed request.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// classify maps an error to its status and what the client may see. It is
// the one place that does.
func classify(err error) (int, errorBody) {
	var (
		req  *requestError
		big  *http.MaxBytesError
		body errorBody
	)
	if v, ok := crm.AsValidation(err); ok {
		return http.StatusBadRequest, errorBody{Error: v.Message, Field: v.Field}
	}
	if c, ok := crm.AsConflict(err); ok {
		return http.StatusConflict, errorBody{Error: err.Error(), Field: c.Field}
	}
	if v, ok := crm.AsAuthError(err); ok {
		return http.StatusUnauthorized, errorBody{Error: v.Error()}
	}
	switch {
	case errors.Is(err, crm.ErrForbidden):
		return http.StatusForbidden, errorBody{Error: err.Error()}
	case errors.As(err, &req):
		return req.status, errorBody{Error: req.msg, Field: req.field}
	case errors.As(err, &big):
		return http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("request body is over %d bytes", big.Limit)}
	case errors.Is(err, engine.ErrNotFound):
		body.Error = err.Error()
		return http.StatusNotFound, body
	case errors.Is(err, engine.ErrConflict):
		body.Error = err.Error()
		return http.StatusConflict, body
	}
	return http.StatusInternalServerError, errorBody{Error: "internal error"}
}

// fail writes err's status and body; internal failures are logged with the
// request they broke.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := classify(err)
	switch status {
	case http.StatusInternalServerError:
		a.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", challenge(err))
	}
	writeJSON(w, status, body)
}

// writeJSON writes v as the JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client is gone when this fails
}

// decode reads the request body, at most a.maxBody bytes, as one JSON value
// into dst. Unknown fields are refused.
func (a *api) decode(w http.ResponseWriter, r *http.Request, dst any) error {
	return a.decodeBody(w, r, dst, false)
}

// decodeOptional is decode for a body that may be left out.
func (a *api) decodeOptional(w http.ResponseWriter, r *http.Request, dst any) error {
	return a.decodeBody(w, r, dst, true)
}

func (a *api) decodeBody(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, a.maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if optional && err == io.EOF {
			return nil
		}
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "the body must hold one JSON object and nothing after it")
	}
	return nil
}

// decodeError explains why a body is not the JSON expected, naming the
// field when there is one.
func decodeError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		big    *http.MaxBytesError
	)
	switch {
	case errors.As(err, &big):
		return err
	case errors.Is(err, io.EOF):
		return badRequest("", "empty body: want a JSON object")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "malformed JSON: %v", err)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("", "want a JSON object")
		}
		return badRequest(typ.Field, "want %s, not a JSON %s", typeName(typ.Type), typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(name, "unknown field %q", name)
	}
	return badRequest("", "bad JSON: %v", err)
}

// typeName says in words what JSON a Go type takes.
func typeName(t reflect.Type) string {
	if t == reflect.TypeFor[crm.Decimal]() {
		return "a number"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return "an object"
}

// challenge is the WWW-Authenticate header of a 401 (RFC 6750): with
// error="invalid_token" when a token was given but is not valid.
func challenge(err error) string {
	if v, ok := crm.AsAuthError(err); ok && v.Invalid {
		return `Bearer realm="dripline", error="invalid_token"`
	}
	return `Bearer realm="dripline"`
}
