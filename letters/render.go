package letters

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"

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
// It renders the batch in chunks of a few hundred letters, envelopes or
// labels, each its own gofpdf document, on as many goroutines as there are
// CPUs (at most a few), and joins their pages into w in order as they come,
// so its memory stays bounded whatever the batch's size. Calls are
// independent: batches may render concurrently.
func Render(w io.Writer, opts Options, ls []Letter) (Pages, error) {
	if len(ls) == 0 {
		return Pages{}, errors.New("render: no letters")
	}
	var p Pages
	j := newJoiner(w)
	done, total := 0, 3*len(ls)
	err := renderParts(opts, split(ls, &p), func(pt part, c *chunk, pages int) error {
		*pt.count += pages
		if err := j.add(c); err != nil {
			return err
		}
		if opts.Progress != nil {
			done += pt.pieces
			opts.Progress(done, total)
		}
		return nil
	})
	if err == nil {
		err = j.close()
	}
	if err != nil {
		return Pages{}, fmt.Errorf("render %d letters: %w", len(ls), err)
	}
	return p, nil
}

// part is one chunk of a batch, rendered as its own document.
type part struct {
	what   string         // letters, envelopes or labels, for errors
	from   int            // the index of its first letter
	draw   func(*doc) int // prints the chunk and returns its page count
	count  *int           // the count in Pages its pages add to
	pieces int            // the letters, envelopes or labels it holds
}

// split cuts a batch into its parts, in the order their pages print.
func split(ls []Letter, p *Pages) []part {
	var ps []part
	for i := 0; i < len(ls); i += chunkLetters {
		chunk := ls[i:min(i+chunkLetters, len(ls))]
		ps = append(ps, part{"letters", i, func(d *doc) int {
			n := 0
			for k := range chunk {
				n += d.letter(&chunk[k])
			}
			return n
		}, &p.Letters, len(chunk)})
	}
	for i := 0; i < len(ls); i += chunkLetters {
		chunk := ls[i:min(i+chunkLetters, len(ls))]
		ps = append(ps, part{"envelopes", i, func(d *doc) int {
			for k := range chunk {
				d.envelope(&chunk[k].To)
			}
			return len(chunk)
		}, &p.Envelopes, len(chunk)})
	}
	for i := 0; i < len(ls); i += chunkLabels {
		chunk := ls[i:min(i+chunkLabels, len(ls))]
		ps = append(ps, part{"labels", i, func(d *doc) int { return d.labels(chunk) }, &p.Labels, len(chunk)})
	}
	return ps
}

// rendered is a part's document, taken apart, and its page count.
type rendered struct {
	chunk *chunk
	pages int
	err   error
}

// renderParts renders the parts concurrently and hands them to join in
// order, holding at most a few rendered parts at a time. It stops at the
// first error.
func renderParts(opts Options, ps []part, join func(part, *chunk, int) error) error {
	workers := min(runtime.GOMAXPROCS(0), 4)
	out := make([]chan rendered, len(ps))
	for i := range out {
		out[i] = make(chan rendered, 1)
	}
	slots := make(chan struct{}, workers)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i, pt := range ps {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			go func() { out[i] <- renderPart(opts, pt) }()
		}
	}()
	for i, pt := range ps {
		r := <-out[i]
		if r.err == nil {
			r.err = join(pt, r.chunk, r.pages)
		}
		<-slots
		if r.err != nil {
			return r.err
		}
	}
	return nil
}

// renderPart renders one part as a document of its own and takes it apart
// for the joiner.
func renderPart(opts Options, pt part) rendered {
	d := newDoc(opts)
	n := pt.draw(d)
	var buf bytes.Buffer
	err := d.pdf.Output(&buf)
	var c *chunk
	if err == nil {
		c, err = readChunk(buf.Bytes())
	}
	if err != nil {
		return rendered{err: fmt.Errorf("%s from letter %d: %w", pt.what, pt.from+1, err)}
	}
	return rendered{chunk: c, pages: n}
}

// How many letters, envelopes or labels one chunk holds: a chunk's gofpdf
// document stays a few megabytes, and there are few enough chunks that
// their fixed cost (parsing the fonts, writing their subsets) stays small.
// Labels fill whole sheets.
const (
	chunkLetters = 500
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
	pdf.SetCompression(false) // the joiner compresses the pages
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
