package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/dripline/dripline/internal/crm"
)

func TestDisabledRepsAndRoleChanges(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	ctx := context.Background()
	mine := w.contact()
	theirs, err := w.crm.CreateContact(ctx, crm.System, crm.ContactFields{Email: ptr("theirs@example.com"), Owner: ptr("sid")})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.crm.SetPassword(ctx, crm.System, "sam", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	sess, _, err := w.crm.Login(ctx, "sam", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	status := func(caller, path string) int {
		s, _, _ := w.call(caller, "GET", path, nil)
		return s
	}

	// A new role holds from the next request: sam, made a manager, sees sid's contact.
	if got := status("owner", "/api/contacts/"+itoa(theirs.ID)); got != http.StatusNotFound {
		t.Errorf("sam as sales, sid's contact: %d, want 404", got)
	}
	if _, err := w.crm.UpdateRep(ctx, crm.System, "sam", crm.RepChanges{Role: ptr("manager")}); err != nil {
		t.Fatal(err)
	}
	if got := status("owner", "/api/contacts/"+itoa(theirs.ID)); got != http.StatusOK {
		t.Errorf("sam as manager, sid's contact: %d, want 200", got)
	}
	if _, err := w.crm.UpdateRep(ctx, crm.System, "sam", crm.RepChanges{Role: ptr("")}); err == nil {
		t.Error("an empty role was taken")
	}
	if _, err := w.crm.UpdateRep(ctx, crm.Actor{RepID: 2, Role: crm.RoleSales, Username: "sid"}, "sid",
		crm.RepChanges{Role: ptr("manager")}); err == nil {
		t.Error("a sales rep made itself a manager")
	}

	// Disabled: its token and session stop at once; it still owns its contacts.
	if _, n, err := w.crm.DisableRep(ctx, crm.System, "sam", true); err != nil || n != 1 {
		t.Fatalf("disable sam: %d tokens revoked, %v; want 1", n, err)
	}
	if got := status("owner", "/api/contacts"); got != http.StatusUnauthorized {
		t.Errorf("a disabled rep's token: %d, want 401", got)
	}
	if _, _, err := w.crm.Session(ctx, sess.ID); err == nil {
		t.Error("a disabled rep's session still works")
	}
	if _, _, err := w.crm.Login(ctx, "sam", "correct horse battery"); err == nil {
		t.Error("a disabled rep logged in")
	}
	if _, _, err := w.crm.IssueToken(ctx, crm.System, "sam", "new"); err == nil {
		t.Error("a disabled rep was given a token")
	}
	if _, out, _ := w.call("admin", "GET", "/api/reps", nil); !slices.ContainsFunc(list(out, "reps"), func(r map[string]any) bool {
		return r["username"] == "sam" && r["disabled"] == true
	}) {
		t.Errorf("GET /api/reps does not show sam disabled: %v", out)
	}
	if c, err := w.crm.Contact(ctx, crm.System, mine); err != nil || c.Owner != "sam" {
		t.Errorf("a disabled rep's contact: owner %q, %v; want sam", c.Owner, err)
	}

	// Enabled again: a new token works, the old one stays revoked.
	if _, _, err := w.crm.DisableRep(ctx, crm.System, "sam", false); err != nil {
		t.Fatal(err)
	}
	if got := status("owner", "/api/contacts"); got != http.StatusUnauthorized {
		t.Errorf("a token revoked by disabling, after enabling: %d, want 401", got)
	}
	token, _, err := w.crm.IssueToken(ctx, crm.System, "sam", "new")
	if err != nil {
		t.Fatal(err)
	}
	w.tokens["owner"] = "Bearer " + token
	if got := status("owner", "/api/contacts"); got != http.StatusOK {
		t.Errorf("an enabled rep's new token: %d, want 200", got)
	}

	// A rep disabled behind the CRM's back, its tokens and sessions left
	// alone: they are refused all the same.
	if sess, _, err = w.crm.Login(ctx, "sam", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.pool.Exec(ctx, `UPDATE reps SET disabled_at = now() WHERE username = 'sam'`); err != nil {
		t.Fatal(err)
	}
	if got := status("owner", "/api/contacts"); got != http.StatusUnauthorized {
		t.Errorf("a disabled rep's unrevoked token: %d, want 401", got)
	}
	if _, _, err := w.crm.Session(ctx, sess.ID); err == nil {
		t.Error("a disabled rep's unended session still works")
	}
}
