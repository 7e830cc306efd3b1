package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Row is one row of a Table. Its JSON is the row as `--format json` prints
// it; Cells are its values as text, in the order of the table's columns.
type Row interface {
	Cells() []string
}

// Table is a report as the command line and the API print it: named
// columns (the JSON field names) and rows.
type Table struct {
	Name    string
	Columns []string
	Rows    []Row
}

// The formats a Table prints in.
const (
	FormatText = "text" // aligned columns under a header
	FormatCSV  = "csv"  // a header row, then one row a line, formula-safe
	FormatJSON = "json" // one JSON object a line
)

// CheckFormat reports whether f is one of the formats, naming them if not.
func CheckFormat(f string) error {
	switch f {
	case FormatText, FormatCSV, FormatJSON:
		return nil
	}
	return fmt.Errorf("%q: want text, csv or json", f)
}

// Write prints the table in format.
func (t Table) Write(w io.Writer, format string) error {
	switch format {
	case FormatText:
		return t.writeText(w)
	case FormatCSV:
		return t.writeCSV(w)
	case FormatJSON:
		return t.writeJSON(w)
	}
	return CheckFormat(format)
}

func (t Table) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(t.Columns, "\t")))
	for _, r := range t.Rows {
		fmt.Fprintln(tw, strings.Join(r.Cells(), "\t"))
	}
	return tw.Flush()
}

func (t Table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	for _, r := range t.Rows {
		cells := r.Cells()
		for i, c := range cells {
			cells[i] = CSVCell(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (t Table) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, r := range t.Rows {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("%s report: %w", t.Name, err)
		}
	}
	return nil
}

// CSVCell makes a cell safe to open in a spreadsheet: a cell starting with
// = + - @, a tab or a carriage return would be read as a formula, so it gets
// a leading apostrophe. Numbers are left alone, so -3 stays a number.
func CSVCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || isNumber(s) {
		return s
	}
	return "'" + s
}

// isNumber reports whether s is a plain decimal number such as -12.5.
func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	digits, dot := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}
