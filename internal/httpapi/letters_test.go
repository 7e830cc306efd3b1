package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/httpapi"
	"github.com/dripline/dripline/internal/pdftest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/letters"
)

// setupLetters is setup with the letters routes served.
func setupLetters(t *testing.T) *env {
	t.Helper()
	e := setup(t)
	l, err := crm.NewLetters(crm.LettersConfig{Store: postgres.NewLetters(e.pool), Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Close()
	e.srv = httptest.NewServer(httpapi.New(httpapi.Deps{CRM: e.crm, Engine: e.eng, Letters: l, MaxBody: 4096,
		Actor: func(*http.Request) (crm.Actor, error) { return crm.System, nil }}))
	t.Cleanup(e.srv.Close)
	return e
}

// fileLetter files a letter of kind for a new contact with the given city,
// as a letter touch would, with its open activity.
func (e *env) fileLetter(ref, kind, city string) {
	e.t.Helper()
	c := engine.Contact{ExternalID: ref, Email: ref + "@example.com", FirstName: "Pat", Status: engine.StatusCustomer,
		Street: "1 Main St", City: city, PostalCode: "93650"}
	if err := e.pg.CreateContact(e.t.Context(), &c); err != nil {
		e.t.Fatal(err)
	}
	err := e.pg.Tx(e.t.Context(), func(tx engine.Tx) error {
		a := engine.Activity{ContactID: c.ID, Type: "Thank You Card", Subject: "Letter: " + kind, Status: engine.ActivityOpen}
		if err := tx.CreateActivity(e.t.Context(), &a); err != nil {
			return err
		}
		l := engine.Letter{ContactID: c.ID, ActivityID: a.ID, Template: kind, Body: "Dear Pat,", CreatedAt: e.clock.Now(),
			To: letters.Address{Name: "Pat", Street: c.Street, City: city, PostalCode: c.PostalCode}}
		l.Unmailable = engine.MissingAddress(l.To)
		return tx.CreateLetter(e.t.Context(), &l)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestLettersAPI(t *testing.T) {
	t.Parallel()
	e := setupLetters(t)
	e.fileLetter("c-1", "birthday", "Fresno")
	e.fileLetter("c-2", "birthday", "")
	e.fileLetter("c-3", "thank-you-purchase", "Fresno")

	kinds := list(e.must(http.StatusOK, "GET", "/api/letters", nil), "kinds")
	if len(kinds) != 2 || kinds[0]["kind"] != "birthday" || kinds[0]["pending"] != 1.0 || kinds[0]["unmailable"] != 1.0 ||
		kinds[0]["oldest"] != "2026-03-02T17:00:00Z" {
		t.Errorf("GET /api/letters = %v", kinds)
	}
	un := list(e.must(http.StatusOK, "GET", "/api/letters/unmailable", nil), "letters")
	if len(un) != 1 || un[0]["contact"] != "c-2" || un[0]["reason"] != "no city" {
		t.Errorf("GET /api/letters/unmailable = %v", un)
	}

	if status, out := e.do("POST", "/api/letters/print", map[string]any{"kind": "birthday", "all": true}); status != http.StatusBadRequest || out["field"] != "kind" {
		t.Errorf("print of a kind and all: %d %v, want 400 on kind", status, out)
	}
	if status, out := e.do("POST", "/api/letters/print", map[string]any{"all": true, "before": "soon"}); status != http.StatusBadRequest || out["field"] != "before" {
		t.Errorf("print before a bad time: %d %v, want 400 on before", status, out)
	}
	if out := e.must(http.StatusOK, "POST", "/api/letters/print", map[string]any{"all": true, "before": "2026-03-01T00:00:00Z"}); out["id"] != 0.0 {
		t.Errorf("print before every letter = %v, want no batch", out)
	}
	b := e.must(http.StatusCreated, "POST", "/api/letters/print", map[string]any{"kind": "birthday"})
	if b["letters"] != 1.0 || b["pages"] != 3.0 || b["pdf"] != fmt.Sprintf("/api/letters/batches/%v/pdf", b["id"]) {
		t.Errorf("print = %v", b)
	}
	if n := e.count(`SELECT count(*) FROM activities WHERE status = 'done' AND completed_at IS NOT NULL`); n != 1 {
		t.Errorf("%d activities done after printing one letter", n)
	}
	if bs := list(e.must(http.StatusOK, "GET", "/api/letters/batches", nil), "batches"); len(bs) != 1 || bs[0]["kind"] != "birthday" {
		t.Errorf("GET /api/letters/batches = %v", bs)
	}
	for _, path := range []string{fmt.Sprintf("/api/letters/batches/%v/pdf", b["id"]), fmt.Sprintf("/api/letters/batches/%v.pdf", b["id"])} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("GET %s: %d %v", path, resp.StatusCode, resp.Header)
		}
		file := filepath.Join(t.TempDir(), "batch.pdf")
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if n := pdftest.Pages(t, file); n != 3 || !strings.Contains(pdftest.Text(t, file), "Dear Pat,") {
			t.Errorf("GET %s: %d pages, want the letter, its envelope and a label sheet", path, n)
		}
	}
	if status, _ := e.do("GET", "/api/letters/batches/99.pdf", nil); status != http.StatusNotFound {
		t.Errorf("PDF of an unknown batch: %d, want 404", status)
	}
	if out := e.must(http.StatusOK, "GET", fmt.Sprintf("/api/letters/batches/%v", b["id"]), nil); out["letters"] != 1.0 {
		t.Errorf("GET batch = %v", out)
	}

	if status, out := e.do("POST", "/api/letters/purge", map[string]any{"kind": "birthday"}); status != http.StatusBadRequest || out["field"] != "reason" {
		t.Errorf("purge without a reason: %d %v, want 400 on reason", status, out)
	}
	if out := e.must(http.StatusOK, "POST", "/api/letters/purge", map[string]any{"kind": "birthday", "reason": "no address"}); out["purged"] != 1.0 {
		t.Errorf("purge = %v", out)
	}
	if as := list(e.must(http.StatusOK, "GET", "/api/activities?status=canceled", nil), "activities"); len(as) != 1 || as[0]["notes"] != "Purged: no address" {
		t.Errorf("canceled activities = %v, want the purged letter's with the reason", as)
	}
}
