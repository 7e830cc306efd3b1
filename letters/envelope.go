package letters

import (
	"math"
	"slices"
	"strings"
)

// A #10 envelope, 9.5 × 4.125 in, printed landscape.
var envelope10 = struct{ Wd, Ht float64 }{9.5 * inch, 4.125 * inch}

// The USPS OCR read area (DMM 202.2.1, Pub 28): the recipient block lies
// within 1/2 in of the left and right edges, at least 5/8 in above the
// bottom edge (the barcode clear zone, where nothing is printed) and no
// higher than 2 3/4 in above it.
const (
	readSide   = 0.5 * inch
	clearZone  = 0.625 * inch
	readTop    = 2.75 * inch // from the bottom edge
	returnEdge = 0.375 * inch
	recipientX = 3.75 * inch // where the recipient block starts when it fits
)

// envelope prints one #10 envelope: the return address top left, the
// recipient block in the read area in the USPS mailing form.
func (d *doc) envelope(to *Address) {
	w, h := envelope10.Wd, envelope10.Ht
	d.page(sizeOf(w, h))
	d.returnAddress(to.Country)
	lines := to.Mailing(d.opts.Sender.Address.Country)
	area := rect{x: readSide, y: h - readTop, w: w - 2*readSide, h: readTop - clearZone}
	d.font(regular, 11)
	widest := 0.0
	for _, s := range lines {
		widest = math.Max(widest, d.width(s))
	}
	x := math.Max(area.x, math.Min(recipientX, area.x+area.w-widest))
	d.block(rect{x: x, y: area.y, w: area.x + area.w - x, h: area.h}, lines, 11)
}

// returnAddress prints the business name and address in the top left
// corner, leaving out the country when it is the recipient's.
func (d *doc) returnAddress(toCountry string) {
	s := d.opts.Sender
	lines := append([]string{clean(s.Name)}, s.Address.LinesFrom(toCountry)...)
	if lines[0] == "" {
		lines = lines[1:]
	}
	const size, lead, maxLines = 9.0, 11.0, 5
	width := 3.5 * inch
	y := returnEdge + size
	for i, l := range lines[:min(len(lines), maxLines)] {
		style := regular
		if i == 0 && s.Name != "" {
			style = bold
		}
		d.font(style, size)
		d.fitted(returnEdge, y, l, width)
		y += lead
	}
}

// rect is an area of a page, in points from its top left corner.
type rect struct{ x, y, w, h float64 }

// block prints lines vertically centred in r, in the largest size up to
// maxSize at which they fit r's height with each line wrapped to r's width
// at spaces;
// when even minBlockSize is too large, in the size that fits the height,
// each line made to fit r's width by fitted.
func (d *doc) block(r rect, lines []string, maxSize float64) {
	size, fits := d.blockSize(r, lines, maxSize)
	lead := size * 1.2
	if fits != nil {
		lines = fits
	}
	height := float64(len(lines)-1)*lead + size
	y := r.y + (r.h-height)/2 + size*0.8
	d.font(regular, size)
	for _, s := range lines {
		d.fitted(r.x, y, s, r.w)
		y += lead
	}
}

// minBlockSize is the smallest type an address block wraps in before its
// lines shrink or are cut instead.
const minBlockSize = 7.0

// blockSize returns the size for block and its lines wrapped, or nil lines
// and the size that fits r's height with the lines unwrapped. When the
// lines wrapped in minBlockSize are too many for r, the line wrapping into
// the most (a long company name, in practice) loses its last ones until
// they fit: the name, the street and the last line stay whole.
func (d *doc) blockSize(r rect, lines []string, maxSize float64) (float64, []string) {
	for size := maxSize; size >= minBlockSize; size -= 0.5 {
		wrapped, whole := d.wrapBlock(lines, r.w, size)
		n := 0
		for _, w := range wrapped {
			n += len(w)
		}
		room := int((r.h-size)/(size*1.2)) + 1 // lines r holds
		if size == minBlockSize && whole {
			n = shorten(wrapped, room)
		}
		if whole && n <= room {
			return size, slices.Concat(wrapped...)
		}
	}
	return math.Min(maxSize, r.h/(float64(len(lines))*1.2)), nil
}

// wrapBlock wraps each line to width in size, and says whether every word
// fits the width whole.
func (d *doc) wrapBlock(lines []string, width, size float64) (wrapped [][]string, whole bool) {
	d.font(regular, size)
	whole = true
	for _, s := range lines {
		for _, w := range strings.Fields(s) {
			whole = whole && d.width(w) <= width
		}
		wrapped = append(wrapped, d.wrap(s, width))
	}
	return wrapped, whole
}

// shorten drops the last wrapped line of the line wrapping into the most
// (the earliest of those, never the block's last line) until the block has
// at most room lines or no line wraps, and returns the count left.
func shorten(wrapped [][]string, room int) int {
	n := 0
	for _, w := range wrapped {
		n += len(w)
	}
	for n > room {
		longest := -1
		for i, w := range wrapped[:len(wrapped)-1] {
			if len(w) > 1 && (longest < 0 || len(w) > len(wrapped[longest])) {
				longest = i
			}
		}
		if longest < 0 {
			break
		}
		wrapped[longest] = wrapped[longest][:len(wrapped[longest])-1]
		n--
	}
	return n
}
