package letters

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestLabelGrid(t *testing.T) {
	for _, off := range []struct{ x, y float64 }{{0, 0}, {3, -2.5}} {
		n := 31
		ls := batch(n)
		ls[4] = utf8Letter()
		ls[7].To.Name = "Maximilian Bartholomew Featherstonehaugh-Montgomery III, Esq." // wraps
		ls[8].To.Street = strings.Repeat("Building 7 Northeast Corporate Campus Industrial Park Extension Road\n", 8)
		path, _ := renderFile(t, Options{Sender: testSender, LabelOffsetX: off.x, LabelOffsetY: off.y}, ls)
		for _, k := range []int{0, 1, 2, 3, 4, 7, 8, 11, 29, 30} {
			words := pageWords(t, path, 2*n+1+k/labelsASheet)
			col, row := k%labelsASheet%labelCols, k%labelsASheet/labelCols
			label := rect{
				x: labelLeft + float64(col)*labelPitchX + off.x*mm, y: labelTop + float64(row)*labelPitchY + off.y*mm,
				w: labelW, h: labelH,
			}
			var got []string
			left := math.Inf(1)
			for _, w := range words {
				if w.in(label) {
					got = append(got, w.text)
					left = math.Min(left, w.xMin)
					if w.xMin < label.x || w.xMax > label.x+label.w || w.yMin < label.y || w.yMax > label.y+label.h {
						t.Errorf("offset %v label %d: word %+v leaves the label %+v", off, k, w, label)
					}
				}
			}
			lines := ls[k].To.Mailing("")
			if k == 8 { // too many lines for a label: they shrink and are cut, within the label
				got, lines = got[:2], lines[:1]
			}
			if want := strings.Fields(strings.Join(lines, " ")); !slices.Equal(got, want) {
				t.Errorf("offset %v label %d holds %q, want %q", off, k, got, want)
			}
			if wantLeft := label.x + labelPadX; math.Abs(left-wantLeft) > 0.5 {
				t.Errorf("offset %v label %d starts at x=%.2f, want %.2f", off, k, left, wantLeft)
			}
		}
	}
}

func TestEnvelopeAreas(t *testing.T) {
	ls := []Letter{utf8Letter(), sampleLetter(3), sampleLetter(4)}
	ls[1].To.Street = "Building 7, Northeast Corporate Campus Industrial Park Extension Road, Suite 1200\nFloor 3\nMail Stop 44"
	ls[2].To.Company = "Attn: Receiving"
	ls[2].To.Street = "Dock 4\nGate B\nBuilding 12\nFloor 3\nRoom 301\nDesk 9"
	path, _ := renderFile(t, Options{Sender: testSender}, ls)
	read := rect{x: readSide, y: envelope10.Ht - readTop, w: envelope10.Wd - 2*readSide, h: readTop - clearZone}
	returnArea := rect{x: 0, y: 0, w: returnEdge + 3.5*inch, h: read.y}
	for i, l := range ls {
		recipient := strings.Fields(strings.Join(l.To.Mailing(""), " "))
		var found []string
		for _, w := range pageWords(t, path, len(ls)+1+i) {
			if w.yMax > envelope10.Ht-clearZone {
				t.Errorf("envelope %d: %q printed in the barcode clear zone (yMax %.1f)", i, w.text, w.yMax)
			}
			switch {
			case w.in(read) && w.xMin >= read.x && w.xMax <= read.x+read.w && w.yMin >= read.y:
				found = append(found, w.text)
			case !w.in(returnArea):
				t.Errorf("envelope %d: %+v outside the read area and the return address", i, w)
			}
		}
		if !slices.Equal(found, recipient) {
			t.Errorf("envelope %d: read area holds %q, want %q", i, found, recipient)
		}
	}
}

// A label too small for an address wrapped in its smallest type cuts the
// line that wraps the most, a long company name, and keeps the name, the
// street with its suite and the last line whole, all in one size.
func TestLabelCutsTheCompanyFirst(t *testing.T) {
	l := sampleLetter(0)
	l.To = Address{
		Name:    "Bartholomew Maximilian Featherstonehaugh-Cholmondeley III",
		Company: "The Greater Bakersfield Regional Association of Independent Orthodontic and Pediatric Dental Practitioners, Inc.",
		Street:  "12345 North Stockdale Highway Building C, Second Floor, Suite 2200-B",
		City:    "Bakersfield", Region: "CA", PostalCode: "93309",
	}
	path, _ := renderFile(t, Options{Sender: testSender}, []Letter{l})
	label := rect{x: labelLeft, y: labelTop, w: labelW, h: labelH}
	var got []string
	heights := map[float64]bool{}
	for _, w := range pageWords(t, path, 3) {
		if w.in(label) {
			got = append(got, w.text)
			heights[math.Round(w.yMax-w.yMin)] = true
		}
	}
	text := strings.Join(got, " ")
	m := l.To.Mailing("")
	for _, whole := range []string{m[0], m[2], m[3]} {
		if !strings.Contains(text, whole) {
			t.Errorf("label %q lacks %q", text, whole)
		}
	}
	if !strings.Contains(text, "THE GREATER BAKERSFIELD") || strings.Contains(text, m[1]) {
		t.Errorf("label %q: want the company's beginning, cut short", text)
	}
	if len(heights) != 1 {
		t.Errorf("label %q prints in %d sizes, want one", text, len(heights))
	}
}
