package letters

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/jung-kurt/gofpdf"
)

// Pages counts the pages of a rendered batch by kind.
type Pages struct {
	Letters   int // letter pages (a letter may span several)
	Envelopes int // #10 envelopes, one a letter
	Labels    int // Avery 5160 sheets, 30 labels each
}

// Total is the number of pages in the PDF.
func (p Pages) Total() int { return p.Letters + p.Envelopes + p.Labels }

// Points in an inch and in a millimetre: the PDF's unit is the point.
const (
	inch = 72.0
	mm   = inch / 25.4
)

// Render writes one PDF to w: every letter (letterhead, date, recipient
// block, body, signature; a letter may span pages), then one #10 envelope
// page per letter, then Avery 5160 label sheets. It returns the page counts.
//
// It renders the batch in chunks of chunkLetters letters, envelopes or
// labels, each its own gofpdf document, and joins their pages into w as it
// goes, so its memory stays bounded whatever the batch's size. Calls are
// independent: batches may render concurrently, each on its own goroutine.
func Render(w io.Writer, opts Options, ls []Letter) (Pages, error) {
	if len(ls) == 0 {
		return Pages{}, errors.New("render: no letters")
	}
	j := newJoiner(w)
	var p Pages
	var buf bytes.Buffer
	chunk := func(what string, from int, draw func(d *doc)) error {
		d := newDoc(opts)
		draw(d)
		buf.Reset()
		if err := d.pdf.Output(&buf); err != nil {
			return fmt.Errorf("render %s from letter %d: %w", what, from+1, err)
		}
		return j.add(buf.Bytes())
	}
	for i := 0; i < len(ls); i += chunkLetters {
		part := ls[i:min(i+chunkLetters, len(ls))]
		err := chunk("letters", i, func(d *doc) {
			for k := range part {
				p.Letters += d.letter(&part[k])
			}
		})
		if err != nil {
			return Pages{}, err
		}
	}
	for i := 0; i < len(ls); i += chunkLetters {
		part := ls[i:min(i+chunkLetters, len(ls))]
		err := chunk("envelopes", i, func(d *doc) {
			for k := range part {
				d.envelope(&part[k].To)
			}
		})
		if err != nil {
			return Pages{}, err
		}
		p.Envelopes += len(part)
	}
	for i := 0; i < len(ls); i += chunkLabels {
		part := ls[i:min(i+chunkLabels, len(ls))]
		if err := chunk("labels", i, func(d *doc) { p.Labels += d.labels(part) }); err != nil {
			return Pages{}, err
		}
	}
	if err := j.close(); err != nil {
		return Pages{}, fmt.Errorf("render %d letters: %w", len(ls), err)
	}
	return p, nil
}

// How many letters, envelopes or labels one chunk holds: a chunk's gofpdf
// document stays a few megabytes. Labels fill whole sheets.
const (
	chunkLetters = 200
	chunkLabels  = 20 * labelsASheet
)

// doc is one PDF being built: a gofpdf document, used by one goroutine.
type doc struct {
	pdf   *gofpdf.Fpdf
	opts  Options
	paper gofpdf.SizeType
	style string  // the font style last selected
	size  float64 // the font size last selected
}

func newDoc(opts Options) *doc {
	pdf := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "pt", Size: usLetter})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCreator("Dripline", false)
	addFonts(pdf)
	paper := usLetter
	if opts.Paper == PaperA4 {
		paper = a4
	}
	return &doc{pdf: pdf, opts: opts, paper: paper}
}

// Sheet sizes in points.
var (
	usLetter = gofpdf.SizeType{Wd: 8.5 * inch, Ht: 11 * inch}
	a4       = gofpdf.SizeType{Wd: 210 * mm, Ht: 297 * mm}
)

// sizeOf is a page size of w × h points.
func sizeOf(w, h float64) gofpdf.SizeType { return gofpdf.SizeType{Wd: w, Ht: h} }

// page starts a page of the given size.
func (d *doc) page(size gofpdf.SizeType) {
	d.pdf.AddPageFormat("P", size)
	d.style, d.size = "", 0 // gofpdf forgets the font at a new page
}

// font selects the Go font in style and size (points).
func (d *doc) font(style string, size float64) {
	if style != d.style || size != d.size || d.size == 0 {
		d.pdf.SetFont(family, style, size)
		d.style, d.size = style, size
	}
}

// text prints s with its baseline's left end at (x, y), y from the top.
func (d *doc) text(x, y float64, s string) {
	d.pdf.Text(x, y, printable(s))
}

// width is the width of s in the current font, in points.
func (d *doc) width(s string) float64 {
	return d.pdf.GetStringWidth(printable(s))
}
