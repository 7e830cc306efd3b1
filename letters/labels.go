package letters

// Avery 5160 address labels on a US Letter sheet: 3 columns × 10 rows of
// 2.625 × 1 in labels, 0.1875 in from the left and 0.5 in from the top
// edge, 2.75 in apart across and 1 in down.
const (
	labelCols    = 3
	labelRows    = 10
	labelsASheet = labelCols * labelRows
	labelW       = 2.625 * inch
	labelH       = 1 * inch
	labelLeft    = 0.1875 * inch
	labelTop     = 0.5 * inch
	labelPitchX  = 2.75 * inch
	labelPitchY  = 1 * inch
	labelPadX    = 0.125 * inch // inside the label, left and right
	labelPadY    = 0.0625 * inch
)

// labels prints one label a letter, in the USPS mailing form, and returns
// the number of sheets.
func (d *doc) labels(ls []Letter) int {
	country := d.opts.Sender.Address.Country
	for i := range ls {
		if i%labelsASheet == 0 {
			d.page(usLetter)
		}
		r := labelRect(i%labelsASheet, d.opts.LabelOffsetX, d.opts.LabelOffsetY)
		d.block(r, ls[i].To.Mailing(country), 9)
	}
	return (len(ls) + labelsASheet - 1) / labelsASheet
}

// labelRect is where label k (0 top left, across then down) prints its
// text, shifted by the printer calibration offset (millimetres).
func labelRect(k int, offX, offY float64) rect {
	col, row := k%labelCols, k/labelCols
	return rect{
		x: labelLeft + float64(col)*labelPitchX + labelPadX + offX*mm,
		y: labelTop + float64(row)*labelPitchY + labelPadY + offY*mm,
		w: labelW - 2*labelPadX,
		h: labelH - 2*labelPadY,
	}
}
