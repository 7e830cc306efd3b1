package letters

import (
	"bytes"
	"strings"
	"sync"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The font family and its styles, embedded in the binary: the Go fonts.
// There is no italic: nothing in a batch prints in italics, and every font
// added costs each chunk its parsing and its subset.
const (
	family  = "go"
	regular = ""
	bold    = "B"
)

var fontFiles = []struct {
	style string
	ttf   []byte
}{{regular, goregular.TTF}, {bold, gobold.TTF}}

// addFonts registers the Go fonts with pdf. Each document gets its own copy
// of the font bytes: gofpdf writes into them while it computes the subset's
// checksum (utf8fontfile.go generateChecksum), a data race when two
// documents share one slice.
func addFonts(pdf *gofpdf.Fpdf) {
	for _, f := range fontFiles {
		pdf.AddUTF8FontFromBytes(family, f.style, bytes.Clone(f.ttf))
	}
}

// covered holds, for every rune of the Basic Multilingual Plane, whether all
// fonts have a glyph for it.
var covered = sync.OnceValue(func() []bool {
	has := make([]bool, 0x10000)
	for i := range has {
		has[i] = true
	}
	var buf sfnt.Buffer
	for _, f := range fontFiles {
		fnt, err := sfnt.Parse(f.ttf)
		if err != nil {
			panic("letters: embedded Go font: " + err.Error())
		}
		for r := range has {
			if has[r] {
				g, err := fnt.GlyphIndex(&buf, rune(r))
				has[r] = err == nil && g != 0
			}
		}
	}
	return has
})

// printable returns s with every rune the fonts cannot draw replaced by "?",
// so that no character silently disappears and gofpdf never sees a rune
// beyond its width table.
func printable(s string) string {
	has := covered()
	ok := true
	for _, r := range s {
		if r >= 0x10000 || !has[r] {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0x10000 || !has[r] {
			return '?'
		}
		return r
	}, s)
}
