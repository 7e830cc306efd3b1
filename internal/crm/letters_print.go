package crm

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/letters"
	"github.com/dripline/dripline/tracks"
)

// PrintRequest asks for a batch: the letters of Kind, or of every kind with
// All, filed before Before (zero for any time).
type PrintRequest struct {
	Kind   string
	All    bool
	Before time.Time
	// File is where the PDF goes; empty means ./letters-BATCH.pdf, in the
	// current folder. With NoFile the PDF is rendered to count its pages and
	// thrown away, for callers that download it later (Reprint).
	File   string
	NoFile bool
	// Progress, when set, hears how far the render is (see
	// letters.Options.Progress).
	Progress func(done, total int)
}

// Print renders the letters the request selects into one PDF (letters,
// then an envelope per letter, then label sheets) and marks them printed in
// the transaction that records the batch, their activities done: two
// managers printing at once never get the same letter. The PDF is written
// to a temporary file and renamed into place once the batch is committed,
// so a failed render changes nothing. Nothing waiting: the batch's ID is 0
// and no file is written.
func (l *Letters) Print(ctx context.Context, a Actor, req PrintRequest) (engine.LetterBatch, error) {
	if err := Allow(a, ManageLetters); err != nil {
		return engine.LetterBatch{}, fmt.Errorf("print letters: %w", err)
	}
	req.Kind = strings.TrimSpace(req.Kind)
	if req.All == (req.Kind != "") {
		return engine.LetterBatch{}, invalid("kind", "name one kind of letters, or all of them")
	}
	var out *pdfFile
	b, err := l.cfg.Store.Print(ctx, engine.LetterPrint{Kind: req.Kind, Before: req.Before, RepID: a.RepID, At: l.now()},
		func(b *engine.LetterBatch, ls []engine.Letter) error {
			var w io.Writer = io.Discard
			if !req.NoFile {
				b.File = req.File
				if b.File == "" {
					b.File = fmt.Sprintf("./letters-%d.pdf", b.ID)
				}
				var err error
				if out, err = createPDF(b.File); err != nil {
					return err
				}
				w = out
			}
			opts := l.cfg.PDF
			opts.Progress = req.Progress
			pages, err := l.cfg.Render(w, opts, PDFLetters(ls))
			if err == nil && out != nil {
				err = out.finish()
			}
			b.Pages = pages
			return err
		})
	if err != nil {
		out.discard()
		return engine.LetterBatch{}, fmt.Errorf("print letters: %w", err)
	}
	if err := out.publish(); err != nil {
		return b, fmt.Errorf("batch %d is printed but its PDF is not in place (dripline letters reprint %d writes it again): %w", b.ID, b.ID, err)
	}
	l.cfg.Logger.Info("letters printed", "batch", b.ID, "letters", b.Letters, "pages", b.Pages, "file", b.File)
	return b, nil
}

// Reprint renders a batch again from its stored letters, changing nothing:
// for a jammed printer. The PDF goes to w.
func (l *Letters) Reprint(ctx context.Context, a Actor, id int64, w io.Writer) (engine.LetterBatch, error) {
	if err := Allow(a, ManageLetters); err != nil {
		return engine.LetterBatch{}, fmt.Errorf("reprint letters: %w", err)
	}
	b, ls, err := l.cfg.Store.Batch(ctx, id)
	if err != nil {
		return engine.LetterBatch{}, fmt.Errorf("reprint: %w", err)
	}
	if b.Pages, err = l.cfg.Render(w, l.cfg.PDF, PDFLetters(ls)); err != nil {
		return engine.LetterBatch{}, fmt.Errorf("reprint batch %d: %w", id, err)
	}
	return b, nil
}

// ReprintTemp is Reprint into a temporary file, for a download: the file
// is already unlinked, so closing it is all the cleanup there is, and it is
// read from the start.
func (l *Letters) ReprintTemp(ctx context.Context, a Actor, id int64) (*os.File, error) {
	f, err := os.CreateTemp("", "dripline-batch-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("reprint batch %d: %w", id, err)
	}
	_ = os.Remove(f.Name()) // the open file stays readable
	_, err = l.Reprint(ctx, a, id, f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReprintFile is Reprint into a file, written in full before it replaces
// anything at that name.
func (l *Letters) ReprintFile(ctx context.Context, a Actor, id int64, file string) (engine.LetterBatch, error) {
	out, err := createPDF(file)
	if err != nil {
		return engine.LetterBatch{}, err
	}
	b, err := l.Reprint(ctx, a, id, out)
	if err == nil {
		err = out.finish()
	}
	if err == nil {
		err = out.publish()
	}
	if err != nil {
		out.discard()
		return engine.LetterBatch{}, err
	}
	b.File = file
	return b, nil
}

// PDFLetters turns filed letters into the PDF's letters, each dated the day
// it was filed in its contact's time zone.
func PDFLetters(ls []engine.Letter) []letters.Letter {
	out := make([]letters.Letter, len(ls))
	for i, l := range ls {
		loc, ok := tracks.LoadZone(l.TimeZone)
		if !ok {
			loc = time.UTC
		}
		out[i] = letters.Letter{Date: l.CreatedAt.In(loc), To: l.To, Body: l.Body, From: l.Signer}
	}
	return out
}

// pdfFile is a PDF being written beside its final name, put in place only
// when complete. Its methods do nothing on a nil *pdfFile.
type pdfFile struct {
	*os.File
	name string
}

// createPDF opens a temporary file in name's folder.
func createPDF(name string) (*pdfFile, error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+"-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return &pdfFile{File: f, name: name}, nil
}

// finish flushes and closes the temporary file.
func (p *pdfFile) finish() error {
	if err := p.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", p.name, err)
	}
	if err := p.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p.name, err)
	}
	return nil
}

// publish renames the finished file to its name.
func (p *pdfFile) publish() error {
	if p == nil {
		return nil
	}
	if err := os.Rename(p.File.Name(), p.name); err != nil {
		p.discard()
		return fmt.Errorf("write %s: %w", p.name, err)
	}
	return nil
}

// discard removes the temporary file.
func (p *pdfFile) discard() {
	if p == nil {
		return
	}
	_ = p.Close() // already closed after finish
	_ = os.Remove(p.File.Name())
}
