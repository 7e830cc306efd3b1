package letters

import "strings"

// placed is a line given its page's baseline y.
type placed struct {
	line
	y float64
}

// paginate places lines on pages: the first page's first baseline at first,
// later pages' at top, no baseline below bottom. A page ends before the
// last breakable line that keeps the page's lines within bottom, so that
// paragraphs leave no single line at the foot or head of a page and the
// signature stays with the end of the body; a run with no break allowed that
// is taller than a page breaks where it must.
func paginate(lines []line, first, top, bottom float64) [][]placed {
	var pages [][]placed
	var cur []placed
	start := 0
	for i := 0; i < len(lines); i++ {
		var y float64
		switch {
		case len(cur) > 0:
			y = cur[len(cur)-1].y + lines[i].lead
		case len(pages) == 0:
			y = first
		default:
			y = top
		}
		if len(cur) > 0 && y > bottom {
			j := i
			for k := i; k > start; k-- {
				if lines[k].breakable {
					j = k
					break
				}
			}
			pages = append(pages, cur[:j-start])
			cur, start, i = nil, j, j-1
			continue
		}
		cur = append(cur, placed{lines[i], y})
	}
	return append(pages, cur)
}

// wrap breaks s into lines no wider than width in the current font, at
// spaces, and inside a word only when the word alone is too wide.
func (d *doc) wrap(s string, width float64) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if d.width(try) <= width {
			cur = try
			continue
		}
		if cur != "" {
			out = append(out, cur)
		}
		for {
			head := d.cut(w, width)
			if len(head) == len(w) {
				break
			}
			out = append(out, head)
			w = w[len(head):]
		}
		cur = w
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// cut returns the longest prefix of s (at least one rune) no wider than
// width, adding up the runes' widths as gofpdf does (it does not kern).
func (d *doc) cut(s string, width float64) string {
	sum := 0.0
	for i, r := range s {
		sum += d.width(string(r))
		if i > 0 && sum > width {
			return s[:i]
		}
	}
	return s
}

// fitted prints s at (x, y) within width: in a smaller size when it is too
// wide (down to two thirds of the current size), then cut short at a space
// (inside a word when the first word is too wide).
func (d *doc) fitted(x, y float64, s string, width float64) {
	if s == "" {
		return
	}
	style, size := d.style, d.size
	for w := d.width(s); w > width && d.size > size*2/3; w = d.width(s) {
		d.font(style, d.size-0.5)
	}
	if d.width(s) > width {
		cut := d.cut(s, width)
		if i := strings.LastIndexByte(cut, ' '); i > 0 {
			cut = cut[:i]
		}
		s = cut
	}
	d.text(x, y, s)
	d.font(style, size)
}
