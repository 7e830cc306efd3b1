package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/httpapi"
)

// recordingCRM is the real CRM service, noting who each contact is
// created for.
type recordingCRM struct {
	*crm.Service
	mu  sync.Mutex
	got []crm.Actor
}

func (c *recordingCRM) CreateContact(ctx context.Context, a crm.Actor, f crm.ContactFields) (engine.Contact, error) {
	c.mu.Lock()
	c.got = append(c.got, a)
	c.mu.Unlock()
	return c.Service.CreateContact(ctx, a, f)
}

func TestRequestsActForDepsActor(t *testing.T) {
	t.Parallel()
	e := setup(t)
	rec := &recordingCRM{Service: e.crm}
	alice := crm.Actor{RepID: 7, Role: crm.RoleSales}
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{CRM: rec, Engine: e.eng,
		Actor: func(r *http.Request) (crm.Actor, error) {
			if r.Header.Get("X-Who") != "alice" {
				return crm.Actor{}, errors.New("nobody")
			}
			return alice, nil
		}}))
	t.Cleanup(srv.Close)
	post := func(who string) int {
		req, err := http.NewRequest("POST", srv.URL+"/api/contacts", strings.NewReader(`{"email": "ann@example.com"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Who", who)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := post("mallory"); status != http.StatusInternalServerError {
		t.Errorf("a request Deps.Actor refuses: status %d, want 500", status)
	}
	if n := e.count(`SELECT count(*) FROM contacts`); n != 0 || len(rec.got) != 0 {
		t.Errorf("a refused request stored %d contacts and reached the CRM %d times", n, len(rec.got))
	}
	if status := post("alice"); status != http.StatusCreated {
		t.Fatalf("alice's request: status %d, want 201", status)
	}
	if len(rec.got) != 1 || rec.got[0] != alice {
		t.Errorf("the CRM acted for %v, want alice %v", rec.got, alice)
	}
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz needs no actor: status %d", resp.StatusCode)
	}
}

func TestNoActorRefusesEveryAPIRequest(t *testing.T) {
	t.Parallel()
	e := setup(t)
	rec := &recordingCRM{Service: e.crm}
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{CRM: rec, Engine: e.eng}))
	t.Cleanup(srv.Close)
	resp, err := http.Post(srv.URL+"/api/contacts", "application/json", strings.NewReader(`{"email": "ann@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(rec.got) != 0 {
		t.Errorf("status %d, actors %v; an API without Deps.Actor must answer 401 and reach no CRM call", resp.StatusCode, rec.got)
	}
	if n := e.count(`SELECT count(*) FROM contacts`); n != 0 {
		t.Errorf("a refused request stored %d contacts", n)
	}
}
