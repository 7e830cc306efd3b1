package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLettersPrintAndPurge(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c := e.client()
	csrf := e.login(c, "mia")
	status, _, body := e.get(c, "/letters")
	for _, want := range []string{"as-thank-you-letter", "1 to print", "1 unmailable", "Ana Ruiz", "no street", `action="/letters/print"`, "No batch printed yet"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("letters page = %d without %q:\n%s", status, want, body)
		}
	}
	if status, _, body := e.get(c, "/letters/preview/as-thank-you-letter"); status != http.StatusOK || !strings.Contains(body, "Sincerely") {
		t.Fatalf("preview = %d:\n%s", status, body)
	}
	status, loc, _ := e.post(c, "/letters/print", url.Values{"csrf": {csrf}, "kind": {"as-thank-you-letter"}})
	if status != http.StatusSeeOther || !strings.Contains(loc, "batch=1") {
		t.Fatalf("print = %d to %q, want 303 to the page with batch 1", status, loc)
	}
	resp, err := c.Get(e.srv.URL + "/letters/batches/1.pdf")
	if err != nil {
		t.Fatal(err)
	}
	status, _, pdf := read(t, resp)
	if status != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("batch PDF = %d %s %.20q", status, resp.Header.Get("Content-Type"), pdf)
	}
	if _, _, body := e.get(c, "/letters"); !strings.Contains(body, "Waiting to print <small>0</small>") || !strings.Contains(body, "Reprint (PDF)") {
		t.Fatalf("after printing the page still shows letters or no batch:\n%s", body)
	}
	if status, _, _ := e.post(c, "/letters/purge", url.Values{"csrf": {csrf}, "kind": {"as-thank-you-letter"}}); status != http.StatusBadRequest {
		t.Fatalf("purge without a reason = %d, want 400", status)
	}
	sam := e.client()
	e.login(sam, "sam")
	if status, _, _ := e.get(sam, "/letters/batches/1.pdf"); status != http.StatusForbidden {
		t.Fatalf("a sales rep downloading a batch = %d, want 403", status)
	}
}
