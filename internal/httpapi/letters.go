package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dripline/dripline/internal/crm"
)

// letterRoutes registers the managers' pile of printed letters.
func (a *api) letterRoutes(mux router) {
	mux.HandleFunc("GET /api/letters", a.as(a.letterCounts))
	mux.HandleFunc("GET /api/letters/unmailable", a.as(a.unmailableLetters))
	mux.HandleFunc("POST /api/letters/print", a.as(a.printLetters))
	mux.HandleFunc("POST /api/letters/purge", a.as(a.purgeLetters))
	mux.HandleFunc("POST /api/letters/email", a.as(a.emailLetters))
	mux.HandleFunc("GET /api/letters/batches", a.as(a.letterBatches))
	mux.HandleFunc("GET /api/letters/batches/{batch}", a.as(a.letterBatch))
	mux.HandleFunc("GET /api/letters/batches/{id}/pdf", a.as(a.batchPDF))
}

// letterCounts is GET /api/letters: the letters waiting, by kind.
func (a *api) letterCounts(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	cs, err := a.letters.List(r.Context(), who)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"kinds": crm.KindCounts(cs)})
}

// unmailableLetters is GET /api/letters/unmailable?kind=KIND.
func (a *api) unmailableLetters(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	ls, err := a.letters.Unmailable(r.Context(), who, r.URL.Query().Get("kind"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"letters": crm.UnmailableOf(ls)})
}

// printRequest is the body of POST /api/letters/print.
type printRequest struct {
	Kind   string `json:"kind"`
	All    bool   `json:"all"`
	Before string `json:"before"` // RFC 3339, or empty
}

// printedBatch is a batch with the address of its PDF.
type printedBatch struct {
	crm.Batch
	PDF string `json:"pdf,omitempty"`
}

// printLetters is POST /api/letters/print: a batch of the letters waiting,
// marked printed; its PDF is downloaded from the batch's pdf address.
// Nothing waiting answers 200 with batch id 0.
func (a *api) printLetters(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var req printRequest
	if err := a.decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	pr := crm.PrintRequest{Kind: req.Kind, All: req.All, NoFile: true}
	if req.Before != "" {
		t, err := time.Parse(time.RFC3339, req.Before)
		if err != nil {
			a.fail(w, r, badRequest("before", "%q: want an RFC 3339 time such as 2026-11-02T17:00:00Z", req.Before))
			return
		}
		pr.Before = t
	}
	b, err := a.letters.Print(r.Context(), who, pr)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if b.ID == 0 {
		writeJSON(w, http.StatusOK, printedBatch{Batch: crm.BatchOf(b)})
		return
	}
	writeJSON(w, http.StatusCreated, printedBatch{Batch: crm.BatchOf(b), PDF: batchPDFPath(b.ID)})
}

// batchPDFPath is where a batch's PDF is downloaded.
func batchPDFPath(id int64) string { return fmt.Sprintf("/api/letters/batches/%d/pdf", id) }

// letterBatches is GET /api/letters/batches, newest first.
func (a *api) letterBatches(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	bs, err := a.letters.Batches(r.Context(), who)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]printedBatch, len(bs))
	for i, b := range bs {
		out[i] = printedBatch{Batch: crm.BatchOf(b), PDF: batchPDFPath(b.ID)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"batches": out})
}

// letterBatch is GET /api/letters/batches/{batch}: N.pdf is the batch's
// PDF, N its JSON.
func (a *api) letterBatch(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	ref := r.PathValue("batch")
	if id, ok := strings.CutSuffix(ref, ".pdf"); ok {
		a.servePDF(w, r, who, id)
		return
	}
	id, err := pathID(r, "batch")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	b, err := a.letters.Batch(r.Context(), who, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, printedBatch{Batch: crm.BatchOf(b), PDF: batchPDFPath(b.ID)})
}

// batchPDF is GET /api/letters/batches/{id}/pdf.
func (a *api) batchPDF(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	a.servePDF(w, r, who, r.PathValue("id"))
}

// servePDF renders a batch again, changing nothing, into a temporary file
// and sends it as an attachment once it is complete.
func (a *api) servePDF(w http.ResponseWriter, r *http.Request, who crm.Actor, ref string) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		a.fail(w, r, badRequest("batch", "%q is not a batch number", ref))
		return
	}
	f, err := a.letters.ReprintTemp(r.Context(), who, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="letters-%d.pdf"`, id))
	http.ServeContent(w, r, "", time.Time{}, f)
}

// purgeRequest is the body of POST /api/letters/purge.
type purgeRequest struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// purgeLetters is POST /api/letters/purge: discard the waiting letters of a
// kind, with the reason.
func (a *api) purgeLetters(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var req purgeRequest
	if err := a.decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.letters.Purge(r.Context(), who, req.Kind, req.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": req.Kind, "purged": n})
}

// emailRequest is the body of POST /api/letters/email.
type emailRequest struct {
	Kind string `json:"kind"`
}

// emailLetters is POST /api/letters/email: send the waiting letters of a
// kind as emails to the contacts who have an address.
func (a *api) emailLetters(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var req emailRequest
	if err := a.decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.letters.Email(r.Context(), who, req.Kind)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": req.Kind, "emailed": n})
}
