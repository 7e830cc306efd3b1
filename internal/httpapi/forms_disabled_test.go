package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/dripline/dripline/internal/crm"
)

func TestLeadFormSkipsDisabledReps(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, u := range []string{"alice", "bob", "carol"} {
		e.rep(u, "sales", 500)
	}
	for _, u := range []string{"bob", "carol"} { // carol has the territory 981
		if _, _, err := e.crm.DisableRep(context.Background(), crm.System, u, true); err != nil {
			t.Fatal(err)
		}
	}
	srv := e.forms(100)
	for i, postal := range []string{"98101", "", ""} {
		if status, body, _ := post(t, srv, url.Values{"email": {fmt.Sprintf("l%d@example.com", i)}, "postal_code": {postal}}); status != http.StatusOK {
			t.Fatalf("post %d: %d %s", i, status, body)
		}
		if c := e.must(http.StatusOK, "GET", fmt.Sprintf("/api/contacts/l%d@example.com", i), nil); c["owner"] != "alice" {
			t.Errorf("lead %d (postal code %q): owner %v, want alice, the one rep not disabled", i, postal, c["owner"])
		}
	}
}
