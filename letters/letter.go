package letters

import (
	"cmp"
	"fmt"
	"strings"
)

// The letter page's geometry, in points, and its type sizes.
const (
	margin     = 1 * inch // left, right and bottom margins of the text
	headTop    = 0.75 * inch
	bodySize   = 11.0
	leading    = 14.5 // from baseline to baseline in the body
	footerSize = 8.0
)

// line is one line of a letter's flowing text: the date, the recipient
// block, the body and the signature.
type line struct {
	text  string
	style string
	lead  float64 // distance from the previous line's baseline
	// breakable says a page may end just before this line: between
	// paragraphs, or inside one where that leaves two lines on each side.
	breakable bool
}

// letter prints one letter and returns how many pages it took.
func (d *doc) letter(l *Letter) int {
	d.font(regular, bodySize)
	first := d.letterheadHeight()
	pages := paginate(d.flow(l), first, margin, d.paper.Ht-margin)
	for n, pg := range pages {
		d.page(d.paper)
		if n == 0 {
			d.letterhead()
		}
		for _, p := range pg {
			d.font(p.style, bodySize)
			d.text(margin, p.y, p.text)
		}
		if len(pages) > 1 {
			d.footer(l.To, fmt.Sprintf("Page %d of %d", n+1, len(pages)))
		}
	}
	return len(pages)
}

// letterheadLines are the business name, its address on one line and its
// phone.
func (d *doc) letterheadLines() (name, address, phone string) {
	s := d.opts.Sender
	return clean(s.Name), strings.Join(s.Address.Lines(), " · "), clean(s.Phone)
}

// letterheadHeight is where the first page's text starts: the baseline of
// the date, below the letterhead.
func (d *doc) letterheadHeight() float64 {
	return headTop + 3*leading + 2.5*leading
}

// letterhead prints the business name, address and phone at the top of a
// letter's first page, over a thin rule.
func (d *doc) letterhead() {
	name, address, phone := d.letterheadLines()
	y := headTop
	d.font(bold, 16)
	d.fitted(margin, y, name, d.paper.Wd-2*margin)
	d.font(regular, 9)
	d.fitted(margin, y+16, address, d.paper.Wd-2*margin)
	d.fitted(margin, y+27, phone, d.paper.Wd-2*margin)
	d.pdf.SetDrawColor(128, 128, 128)
	d.pdf.SetLineWidth(0.5)
	ruleY := headTop + 3*leading
	d.pdf.Line(margin, ruleY, d.paper.Wd-margin, ruleY)
}

// footer prints the page number of a letter that spans pages centred at
// the foot of the page, after the recipient's name (else company), so that
// loose pages find their letter: "Dana Wright · Page 2 of 3". A name too
// long for the line is left out.
func (d *doc) footer(to Address, page string) {
	d.font(regular, footerSize)
	s := page
	if who := cmp.Or(clean(to.Name), clean(to.Company)); who != "" {
		s = who + " · " + page
	}
	if d.width(s) > d.paper.Wd-2*margin {
		s = page
	}
	d.text((d.paper.Wd-d.width(s))/2, d.paper.Ht-margin/2, s)
}

// flow lays out a letter's text as lines wrapped to the page width.
func (d *doc) flow(l *Letter) []line {
	var ls []line
	lead := 0.0
	add := func(text, style string, breakable bool) {
		ls = append(ls, line{text: text, style: style, lead: lead, breakable: breakable})
		lead = leading
	}
	if !l.Date.IsZero() {
		add(l.Date.Format("January 2, 2006"), regular, false)
		lead = 2 * leading
	}
	width := d.paper.Wd - 2*margin
	for _, s := range l.To.LinesFrom(d.opts.Sender.Address.Country) {
		for _, w := range d.wrap(s, width) {
			add(w, regular, false)
		}
	}
	for _, para := range paragraphs(l.Body) {
		lead = 2 * leading
		var wrapped []string
		for _, hard := range para {
			wrapped = append(wrapped, d.wrap(hard, width)...)
		}
		for i, s := range wrapped {
			add(s, regular, i == 0 || i >= 2 && len(wrapped)-i >= 2)
		}
	}
	lead = 2 * leading
	add(Closing, regular, false)
	lead = 4 * leading // room for the pen
	for _, s := range Signature(l.From, d.opts.Sender.Name) {
		add(s, regular, false)
	}
	return ls
}

// Closing is the line every letter closes with, above the signature.
const Closing = "Sincerely,"

// Signature returns the lines under the closing: the signer's name (the
// business's when the signer has none), title and phone, leaving out what
// is empty.
func Signature(s Signer, business string) []string {
	name := clean(s.Name)
	if name == "" {
		name = clean(business)
	}
	var out []string
	for _, v := range []string{name, clean(s.Title), clean(s.Phone)} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// paragraphs splits a body at blank lines; each paragraph is its lines as
// written (a single line break is kept), with spaces collapsed.
func paragraphs(body string) [][]string {
	var out [][]string
	var cur []string
	for _, raw := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		s := clean(raw)
		if s == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, s)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}
