package config

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/dripline/dripline/letters"
)

func TestParseOffset(t *testing.T) {
	tests := []struct {
		in      string
		x, y    float64
		wantErr bool
	}{
		{"", 0, 0, false},
		{"0,0", 0, 0, false},
		{" 1.5 , -0.5 ", 1.5, -0.5, false},
		{"-20,20", -20, 20, false},
		{"1.5", 0, 0, true},
		{"1,2,3", 0, 0, true},
		{"x,1", 0, 0, true},
		{"21,0", 0, 0, true},
		{"NaN,0", 0, 0, true},
		{"1mm,2mm", 0, 0, true},
	}
	for _, tt := range tests {
		x, y, err := ParseOffset(tt.in)
		if (err != nil) != tt.wantErr || x != tt.x || y != tt.y {
			t.Errorf("ParseOffset(%q) = %v, %v, %v; want %v, %v, error %v", tt.in, x, y, err, tt.x, tt.y, tt.wantErr)
		}
	}
}

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"", "1.5,-0.5", "20,20", "1e3,0", ",", "NaN,Inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, y, err := ParseOffset(s)
		if err != nil {
			if !strings.Contains(err.Error(), "want x,y in millimetres") {
				t.Errorf("ParseOffset(%q) error %q does not say what is wanted", s, err)
			}
			return
		}
		if !(x >= -maxOffset && x <= maxOffset && y >= -maxOffset && y <= maxOffset) {
			t.Errorf("ParseOffset(%q) = %v, %v: out of range", s, x, y)
		}
	})
}

func TestAddressLine(t *testing.T) {
	tests := []struct {
		in   string
		want letters.Address
	}{
		{"1600 Mill Rock Way, Bakersfield, CA 93311", letters.Address{Street: "1600 Mill Rock Way", City: "Bakersfield", Region: "CA", PostalCode: "93311"}},
		{"Suite 4, 1 Main St, Fresno, CA 93650", letters.Address{Street: "Suite 4, 1 Main St", City: "Fresno", Region: "CA", PostalCode: "93650"}},
		{"1 Main St, Fresno, 93650", letters.Address{Street: "1 Main St", City: "Fresno", Region: "93650"}},
		{"PO Box 7", letters.Address{Street: "PO Box 7"}},
		{" 1 Main St, Fresno ", letters.Address{Street: "1 Main St, Fresno"}},
		{"", letters.Address{}},
	}
	for _, tt := range tests {
		if got := AddressLine(tt.in); got != tt.want {
			t.Errorf("AddressLine(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func FuzzAddressLine(f *testing.F) {
	for _, s := range []string{"1600 Mill Rock Way, Bakersfield, CA 93311", "a,b", ",,,", " , , X 1", "Straße 1, München, BY 80331"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := AddressLine(s)
		for _, field := range []string{a.Street, a.City, a.Region, a.PostalCode} {
			for part := range strings.SplitSeq(field, ", ") {
				if !strings.Contains(s, part) {
					t.Errorf("AddressLine(%q) = %+v: %q is not from the line", s, a, part)
				}
			}
		}
		if a.City != "" && strings.Contains(a.City, ",") || strings.Contains(a.PostalCode, " ") {
			t.Errorf("AddressLine(%q) = %+v: a part holds a separator", s, a)
		}
	})
}

func TestLetterOptions(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := Bind(fs)
	if err := fs.Parse([]string{"--paper", "A4", "--label-offset", "1,-2"}); err != nil {
		t.Fatal(err)
	}
	o, err := c.LetterOptions()
	if err != nil || o.Paper != letters.PaperA4 || o.LabelOffsetX != 1 || o.LabelOffsetY != -2 || o.Sender.Address.City != "Bakersfield" {
		t.Errorf("LetterOptions = %+v, %v", o, err)
	}
	for _, args := range [][]string{{"--paper", "legal"}, {"--label-offset", "3"}} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c := Bind(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if _, err := c.LetterOptions(); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("LetterOptions with %v = %v, want an error naming %s", args, err, args[0])
		}
	}
}
