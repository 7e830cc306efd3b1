package report

import (
	"strings"
	"testing"
)

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"Trade Show":        "Trade Show",
		"=1+2":              "'=1+2",
		"+1 555":            "'+1 555",
		"-cmd":              "'-cmd",
		"@SUM(A1)":          "'@SUM(A1)",
		"\tx":               "'\tx",
		"\rx":               "'\rx",
		"-12.50":            "-12.50",
		"-1":                "-1",
		"-":                 "'-",
		"-1.2.3":            "'-1.2.3",
		"a=b":               "a=b",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// cells is a Row for tests.
type cells []string

func (c cells) Cells() []string { return append([]string(nil), c...) }

func TestTableFormats(t *testing.T) {
	tbl := Table{Name: "t", Columns: []string{"rep", "note"}, Rows: []Row{cells{"alice", "=evil"}, cells{"bob", "ok, fine"}}}
	for format, want := range map[string]string{
		FormatText: "REP    NOTE\nalice  =evil\nbob    ok, fine\n",
		FormatCSV:  "rep,note\nalice,'=evil\nbob,\"ok, fine\"\n",
		FormatJSON: "[\"alice\",\"=evil\"]\n[\"bob\",\"ok, fine\"]\n",
	} {
		var b strings.Builder
		if err := tbl.Write(&b, format); err != nil || b.String() != want {
			t.Errorf("%s:\n%q, %v\nwant\n%q", format, b.String(), err, want)
		}
	}
	if err := tbl.Write(&strings.Builder{}, "xml"); err == nil || !strings.Contains(err.Error(), "want text, csv or json") {
		t.Errorf("unknown format: %v", err)
	}
}
