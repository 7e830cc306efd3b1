package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/dripline/dripline/internal/crm"
)

func TestTakenEmailsAndExternalIDs(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	ctx := context.Background()
	mine := w.contact() // mine@: c-N@example.com
	theirs, err := w.crm.CreateContact(ctx, crm.System,
		crm.ContactFields{ExternalID: ptr("sid-1"), Email: ptr("Ann@Example.com"), Owner: ptr("sid")})
	if err != nil {
		t.Fatal(err)
	}
	// An import may bring two contacts with one address: they stay editable.
	if _, err := w.pool.Exec(ctx, `INSERT INTO contacts (external_id, email) VALUES ('dup-1', 'twice@example.com'),
		('dup-2', 'twice@example.com')`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, caller, method, path string
		body                       map[string]any
		want                       int
		field                      string
	}{
		{"another contact's email", "owner", "PATCH", "/api/contacts/" + mine,
			map[string]any{"email": "Ann@Example.com", "title": "Owner"}, http.StatusConflict, "email"},
		{"another contact's email in other case and spaces", "owner", "PATCH", "/api/contacts/" + mine,
			map[string]any{"email": "  ann@EXAMPLE.com "}, http.StatusConflict, "email"},
		{"even for a manager", "manager", "PATCH", "/api/contacts/" + mine,
			map[string]any{"email": "ann@example.com"}, http.StatusConflict, "email"},
		{"a new contact with a taken email", "owner", "POST", "/api/contacts",
			map[string]any{"email": "ANN@example.com"}, http.StatusConflict, "email"},
		{"another rep's external_id", "owner", "POST", "/api/contacts",
			map[string]any{"external_id": "sid-1", "email": "new@example.com"}, http.StatusConflict, "external_id"},
		{"its own email in another case", "other", "PATCH", "/api/contacts/sid-1",
			map[string]any{"email": "ann@example.com"}, http.StatusOK, ""},
		{"a free email", "owner", "PATCH", "/api/contacts/" + mine,
			map[string]any{"email": "pat@example.com"}, http.StatusOK, ""},
		{"the old email, now free", "owner", "POST", "/api/contacts",
			map[string]any{"email": mine + "@example.com"}, http.StatusCreated, ""},
		{"an imported duplicate keeps its email", "admin", "PATCH", "/api/contacts/dup-2",
			map[string]any{"title": "Owner"}, http.StatusOK, ""},
	} {
		before := w.fingerprint()
		status, out, _ := w.call(c.caller, c.method, c.path, c.body)
		if status != c.want {
			t.Errorf("%s: %s %s: status %d, want %d: %v", c.name, c.method, c.path, status, c.want, out)
			continue
		}
		if c.want == http.StatusConflict {
			if out["field"] != c.field {
				t.Errorf("%s: field %v, want %q: %v", c.name, out["field"], c.field, out)
			}
			if w.fingerprint() != before {
				t.Errorf("%s: a refused request changed the database", c.name)
			}
		}
	}
	if got, err := w.crm.Contact(ctx, crm.System, "sid-1"); err != nil || got.ID != theirs.ID || got.Email != "ann@example.com" {
		t.Errorf("sid's contact: %+v, %v", got, err)
	}
}
