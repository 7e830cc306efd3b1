package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// Letters is the letters pile the Letters page runs: crm.Letters.
type Letters interface {
	List(ctx context.Context, a crm.Actor) ([]engine.LetterCount, error)
	Unmailable(ctx context.Context, a crm.Actor, kind string) ([]engine.FiledLetter, error)
	Batches(ctx context.Context, a crm.Actor) ([]engine.LetterBatch, error)
	Print(ctx context.Context, a crm.Actor, req crm.PrintRequest) (engine.LetterBatch, error)
	ReprintTemp(ctx context.Context, a crm.Actor, id int64) (*os.File, error)
	Purge(ctx context.Context, a crm.Actor, kind, reason string) (int, error)
	Email(ctx context.Context, a crm.Actor, kind string) (int, error)
}

var _ Letters = (*crm.Letters)(nil)

// lettersPage is what the Letters page shows.
type lettersPage struct {
	Counts     []engine.LetterCount
	Unmailable []engine.FiledLetter
	Batches    []engine.LetterBatch
	Done       string
	Batch      int64 // the batch just printed, to download
	Pending    int   // letters ready to print, every kind
}

// letters shows the pile: counts per kind with their actions, the past
// batches and the letters that cannot be mailed.
func (p *Pages) letters(w http.ResponseWriter, r *http.Request, v viewer) error {
	ctx := r.Context()
	q := r.URL.Query()
	page := lettersPage{Done: q.Get("done")}
	page.Batch, _ = strconv.ParseInt(q.Get("batch"), 10, 64)
	var err error
	if page.Counts, err = p.d.Letters.List(ctx, v.Actor); err != nil {
		return err
	}
	for _, c := range page.Counts {
		page.Pending += c.Pending
	}
	if page.Unmailable, err = p.d.Letters.Unmailable(ctx, v.Actor, ""); err != nil {
		return err
	}
	if page.Batches, err = p.d.Letters.Batches(ctx, v.Actor); err != nil {
		return err
	}
	p.render(w, r, http.StatusOK, "letters", v, "Letters", page)
	return nil
}

// printLetters records a batch of one kind (or every kind) and comes back
// to the page with its PDF to download.
func (p *Pages) printLetters(w http.ResponseWriter, r *http.Request, v viewer) error {
	kind := strings.TrimSpace(r.PostFormValue("kind"))
	b, err := p.d.Letters.Print(r.Context(), v.Actor, crm.PrintRequest{Kind: kind, All: kind == "", NoFile: true})
	if err != nil {
		return err
	}
	if b.ID == 0 {
		return p.backToLetters(w, r, "Nothing was waiting to print.", 0)
	}
	return p.backToLetters(w, r, fmt.Sprintf("Batch %d: %s, %d pages.", b.ID, count(b.Letters, "letter"), b.Pages), b.ID)
}

// batchPDF sends a batch's PDF, rendered again from its stored letters:
// downloading changes nothing, so it is a GET and may be repeated (a jammed
// printer).
func (p *Pages) batchPDF(w http.ResponseWriter, r *http.Request, v viewer) error {
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("file"), ".pdf"), 10, 64)
	if err != nil || !strings.HasSuffix(r.PathValue("file"), ".pdf") {
		return engine.ErrNotFound
	}
	f, err := p.d.Letters.ReprintTemp(r.Context(), v.Actor, id)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="letters-%d.pdf"`, id))
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

// emailLetters sends a kind's letters as emails instead.
func (p *Pages) emailLetters(w http.ResponseWriter, r *http.Request, v viewer) error {
	kind := r.PostFormValue("kind")
	n, err := p.d.Letters.Email(r.Context(), v.Actor, kind)
	if err != nil {
		return err
	}
	return p.backToLetters(w, r, fmt.Sprintf("%s of kind %s emailed instead; those without a usable email address still wait.", count(n, "letter"), kind), 0)
}

// purgeLetters discards a kind's waiting letters, with the reason.
func (p *Pages) purgeLetters(w http.ResponseWriter, r *http.Request, v viewer) error {
	kind := r.PostFormValue("kind")
	n, err := p.d.Letters.Purge(r.Context(), v.Actor, kind, r.PostFormValue("reason"))
	if err != nil {
		return err
	}
	return p.backToLetters(w, r, fmt.Sprintf("%s of kind %s purged.", count(n, "letter"), kind), 0)
}

// backToLetters redirects to the Letters page saying what was done.
func (p *Pages) backToLetters(w http.ResponseWriter, r *http.Request, done string, batch int64) error {
	q := url.Values{"done": {done}}
	if batch > 0 {
		q.Set("batch", strconv.FormatInt(batch, 10))
	}
	http.Redirect(w, r, "/letters?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// previewPage is one kind of letter filled in for the sample contact.
type previewPage struct {
	Kind string
	Text string
}

// previewLetter shows a kind's letter as it prints, for the sample contact
// and rep (the letters waiting keep the text they were rendered with).
func (p *Pages) previewLetter(w http.ResponseWriter, r *http.Request, v viewer) error {
	kind := r.PathValue("kind")
	if p.d.Templates == nil || !p.d.Templates.Has(templates.KindLetter, kind) {
		return engine.ErrNotFound
	}
	d := engine.SampleDispatch()
	d.Step = tracks.Step{ID: kind, Channel: tracks.ChannelLetter, Action: tracks.Action{Template: kind}}
	d.Now = p.d.Clock.Now()
	out, err := engine.LetterChannel{Templates: p.d.Templates}.Deliver(r.Context(), d)
	if err != nil {
		return err
	}
	text := crm.SignedText(*out.Letter, d.Business.Name)
	p.render(w, r, http.StatusOK, "preview", v, "Preview: "+kind, previewPage{Kind: kind, Text: text})
	return nil
}

// count writes n things, "1 letter" or "3 letters".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
