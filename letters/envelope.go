package letters

import "math"

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
	size := math.Min(11, area.h/(float64(len(lines))*1.25))
	d.font(regular, size)
	widest := 0.0
	for _, s := range lines {
		widest = math.Max(widest, d.width(s))
	}
	x := math.Max(area.x, math.Min(recipientX, area.x+area.w-widest))
	d.block(rect{x: x, y: area.y, w: area.x + area.w - x, h: area.h}, lines, size)
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

// block prints lines in size, vertically centred in r, each line fitted to
// r's width.
func (d *doc) block(r rect, lines []string, size float64) {
	lead := size * 1.2
	height := float64(len(lines)-1)*lead + size
	y := r.y + (r.h-height)/2 + size*0.8
	d.font(regular, size)
	for _, s := range lines {
		d.fitted(r.x, y, s, r.w)
		y += lead
	}
}
