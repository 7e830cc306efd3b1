package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// LineError is one problem in a CSV file: a bad row, a bad header, or
// unreadable CSV.
type LineError struct {
	File string
	Line int // 1-based line of the file where the record starts
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// reader reads records and keeps track of where each starts.
type reader struct {
	file   string
	csv    *csv.Reader
	line   int      // line of the last record read
	cols   []string // lower-case header names
	broken bool     // the input cannot be read further
}

// newReader reads the header row. It fails with one error when there is none
// or it cannot be read.
func newReader(file string, r io.Reader) (*reader, error) {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		br.Discard(3) // a byte order mark, as spreadsheets write before UTF-8 CSV
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	rd := &reader{file: file, csv: cr}
	rec, err := rd.next()
	if err == io.EOF {
		return nil, rd.errorf(1, "empty file: want a header row")
	}
	if err != nil {
		return nil, err
	}
	rd.cols = make([]string, len(rec))
	seen := make(map[string]int, len(rec))
	for i, name := range rec {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			return nil, rd.errorf(rd.line, "header: column %d has no name", i+1)
		}
		if j, dup := seen[name]; dup {
			return nil, rd.errorf(rd.line, "header: column %q appears twice (columns %d and %d)", name, j+1, i+1)
		}
		seen[name] = i
		rd.cols[i] = name
	}
	return rd, nil
}

// next returns the next record that has a non-empty field, with its fields
// trimmed, or io.EOF at the end. Other errors are *LineError: a record with the
// wrong number of fields, which the caller can go past, or malformed CSV, after
// which broken is set and nothing more can be read.
func (rd *reader) next() ([]string, error) {
	for {
		rec, err := rd.csv.Read()
		if err == io.EOF {
			return nil, err
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
			rd.line = pe.StartLine
			return nil, rd.errorf(pe.StartLine, "has %d fields, the header has %d", len(rec), len(rd.cols))
		case errors.As(err, &pe):
			rd.broken = true
			return nil, rd.syntaxError(pe)
		case err != nil:
			rd.broken = true
			return nil, rd.errorf(rd.line+1, "read: %v", err)
		}
		rd.line, _ = rd.csv.FieldPos(0)
		if trimAll(rec) {
			return rec, nil
		}
	}
}

func (rd *reader) syntaxError(pe *csv.ParseError) error {
	where := fmt.Sprintf("column %d", pe.Column)
	if pe.Line != pe.StartLine {
		where = fmt.Sprintf("line %d, column %d", pe.Line, pe.Column)
	}
	return rd.errorf(pe.StartLine, "malformed CSV at %s: %v", where, pe.Err)
}

// trimAll trims every field and reports whether any is left non-empty.
func trimAll(rec []string) bool {
	some := false
	for i, f := range rec {
		rec[i] = strings.TrimSpace(f)
		some = some || rec[i] != ""
	}
	return some
}

func (rd *reader) errorf(line int, format string, args ...any) *LineError {
	return &LineError{File: rd.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// each calls fn on every record after the header and returns the problems:
// the reader's, and fn's placed at the record's line. It stops when the input
// cannot be read further.
func (rd *reader) each(fn func(rec []string) error) []error {
	var errs []error
	for {
		rec, err := rd.next()
		switch {
		case err == io.EOF:
			return errs
		case err != nil:
			errs = append(errs, err)
			if rd.broken {
				return errs
			}
		default:
			if err := fn(rec); err != nil {
				errs = append(errs, rd.errorf(rd.line, "%v", err))
			}
		}
	}
}

// problems collects what is wrong with one row.
type problems []string

func (p *problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// err joins the problems into one error, or returns nil when there are none.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.New(strings.Join(p, "; "))
}
