package letters

import (
	"slices"
	"strings"
	"testing"
)

func TestPaginate(t *testing.T) {
	// Lines one point apart: a page holds baselines first..bottom.
	p := func(breaks string) []line {
		ls := make([]line, len(breaks))
		for i, c := range breaks {
			ls[i] = line{text: string(rune('a' + i)), lead: 1, breakable: c == '|'}
		}
		return ls
	}
	tests := []struct {
		name   string
		lines  []line
		first  float64 // the first page's first baseline; later pages start at 0
		bottom float64
		want   []string // each page's lines
	}{
		{"fits", p("|.."), 0, 5, []string{"abc"}},
		{"breaks at the last break that fits", p("|..|..|.."), 0, 4, []string{"abc", "def", "ghi"}},
		{"first page starts lower", p("|.|.|."), 3, 4, []string{"ab", "cdef"}},
		{"keeps a run together", p("|.....|."), 0, 6, []string{"abcdef", "gh"}},
		{"run taller than a page breaks where it must", p("|......."), 0, 2, []string{"abc", "def", "gh"}},
		{"no break allowed at the top of a page", p("......"), 0, 3, []string{"abcd", "ef"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, page := range paginate(tt.lines, tt.first, 0, tt.bottom) {
				s := ""
				for _, pl := range page {
					s += pl.text
					if pl.y > tt.bottom {
						t.Errorf("line %s at y %v below the bottom %v", pl.text, pl.y, tt.bottom)
					}
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("pages %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFlowKeepsLinesTogether(t *testing.T) {
	d := newDoc(Options{Sender: testSender})
	d.font(regular, bodySize)
	word := "Our technicians keep your network, backups and phones running so that your staff can work. "
	for n := range 60 {
		l := sampleLetter(0)
		for p := range n {
			l.Body += "\n\n" + strings.Repeat(word, 1+p%4)
		}
		lines := d.flow(&l)
		pages := paginate(lines, d.letterheadHeight(), margin, d.paper.Ht-margin)
		for i, pg := range pages[1:] {
			top := pg[0]
			if !top.breakable {
				t.Fatalf("%d paragraphs: page %d begins with %q, where no break is allowed", n, i+2, top.text)
			}
			if prev := pages[i]; len(prev) < 2 || top.text == "Sincerely," {
				t.Fatalf("%d paragraphs: page %d is split badly before %q", n, i+2, top.text)
			}
		}
	}
	l := sampleLetter(0)
	l.Body = strings.Repeat(word, 5)
	var flags string
	for _, ln := range d.flow(&l) {
		if ln.text != "" {
			flags += map[bool]string{true: "|", false: "."}[ln.breakable]
		}
	}
	// date, 3 address lines, 5 body lines (break after 2 or 3), closing, 3 signature lines
	if want := "...." + "|.||." + "...."; flags != want {
		t.Errorf("breakable flags %s, want %s", flags, want)
	}
}
