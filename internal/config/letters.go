package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dripline/dripline/letters"
)

// LetterOptions are the settings of printed letters: the paper, the label
// sheets' printer offset and the letterhead (business name, address and
// phone).
func (c *Config) LetterOptions() (letters.Options, error) {
	o := letters.Options{Paper: letters.Paper(strings.ToLower(strings.TrimSpace(c.Paper)))}
	switch o.Paper {
	case "":
		o.Paper = letters.PaperLetter
	case letters.PaperLetter, letters.PaperA4:
	default:
		return o, fmt.Errorf("--paper (DRIPLINE_PAPER) %q: want letter or a4", c.Paper)
	}
	var err error
	if o.LabelOffsetX, o.LabelOffsetY, err = ParseOffset(c.LabelOffset); err != nil {
		return o, fmt.Errorf("--label-offset (DRIPLINE_LABEL_OFFSET): %w", err)
	}
	o.Sender = letters.Sender{Name: c.BusinessName, Address: AddressLine(c.BusinessAddr), Phone: c.BusinessTel}
	return o, nil
}

// maxOffset bounds a label offset: more than 2 cm off is a typo, not a printer.
const maxOffset = 20.0

// ParseOffset reads a printer offset "x,y" in millimetres (spaces allowed,
// either may be negative, each at most 20 mm); empty means 0,0.
func ParseOffset(s string) (x, y float64, err error) {
	if strings.TrimSpace(s) == "" {
		return 0, 0, nil
	}
	xs, ys, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want x,y in millimetres such as 1.5,-0.5", s)
	}
	var v [2]float64
	for i, part := range []string{xs, ys} {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || !(f >= -maxOffset && f <= maxOffset) { // NaN fails too
			return 0, 0, fmt.Errorf("%q: want x,y in millimetres, each between -20 and 20, such as 1.5,-0.5", s)
		}
		v[i] = f
	}
	return v[0], v[1], nil
}

// AddressLine splits a postal address written on one line, as
// DRIPLINE_BUSINESS_ADDRESS holds it ("1600 Mill Rock Way, Bakersfield, CA
// 93311"), into its parts: the last part is the region and postal code, the
// one before the city, the rest the street. Empty parts are dropped; a line
// of fewer than three parts stays whole in Street.
func AddressLine(line string) letters.Address {
	var parts []string
	for p := range strings.SplitSeq(line, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) < 3 {
		return letters.Address{Street: strings.Join(parts, ", ")}
	}
	n := len(parts)
	a := letters.Address{Street: strings.Join(parts[:n-2], ", "), City: parts[n-2], Region: parts[n-1]}
	if i := strings.LastIndexByte(a.Region, ' '); i > 0 {
		a.Region, a.PostalCode = strings.TrimSpace(a.Region[:i]), a.Region[i+1:]
	}
	return a
}
