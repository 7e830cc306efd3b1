package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// LineError is one problem in a CSV file: a bad row, a bad header, or
// unreadable CSV.
type LineError struct {
	File string
	Line int // 1-based line of the file where the record starts
	Msg  string
	More int // on the last error of a list cut at MaxErrors: how many were left out
}

// MaxErrors is how many problems a parse lists; one more error says how many
// followed.
const MaxErrors = 100

// Count returns how many problems errs stands for, counting those a list
// cut at MaxErrors left out.
func Count(errs []error) int {
	n := len(errs)
	for _, err := range errs {
		if le, ok := errors.AsType[*LineError](err); ok && le.More > 0 {
			n += le.More - 1 // the error counting them is not a problem itself
		}
	}
	return n
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
		if err := rd.checkText(rec); err != nil {
			return nil, err
		}
		if trimAll(rec) {
			return rec, nil
		}
	}
}

// checkText refuses a record with bytes that are not UTF-8 text, which no
// database column can hold: invalid UTF-8 and NUL.
func (rd *reader) checkText(rec []string) error {
	for i, f := range rec {
		switch {
		case !utf8.ValidString(f):
			return rd.errorf(rd.line, "invalid UTF-8 in %s", rd.column(i))
		case strings.IndexByte(f, 0) >= 0:
			return rd.errorf(rd.line, "NUL byte in %s", rd.column(i))
		}
	}
	return nil
}

// column names field i of a record for messages.
func (rd *reader) column(i int) string {
	if i < len(rd.cols) {
		return fmt.Sprintf("column %q", rd.cols[i])
	}
	return fmt.Sprintf("column %d", i+1)
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
// the reader's, and fn's placed at the record's line, the first MaxErrors of
// them and then one saying how many more there were. It stops when the input
// cannot be read further.
func (rd *reader) each(fn func(rec []string) error) []error {
	var errs errorList
	for {
		rec, err := rd.next()
		switch {
		case err == io.EOF:
			return errs.list(rd)
		case err != nil:
			errs.add(err)
			if rd.broken {
				return errs.list(rd)
			}
		default:
			if err := fn(rec); err != nil {
				errs.add(rd.errorf(rd.line, "%v", err))
			}
		}
	}
}

// errorList keeps the first MaxErrors problems and counts the rest.
type errorList struct {
	errs     []error
	more     int
	lastLine int
}

func (l *errorList) add(err error) {
	if len(l.errs) < MaxErrors {
		l.errs = append(l.errs, err)
		return
	}
	l.more++
	if le, ok := errors.AsType[*LineError](err); ok {
		l.lastLine = le.Line
	}
}

// list returns the problems kept, and one more counting those left out.
func (l *errorList) list(rd *reader) []error {
	if l.more == 0 {
		return l.errs
	}
	return append(l.errs, moreErrors(rd.file, l.lastLine, l.more))
}

// moreErrors is the error ending a list cut at MaxErrors.
func moreErrors(file string, line, more int) *LineError {
	return &LineError{File: file, Line: line, More: more,
		Msg: fmt.Sprintf("… and %d more problems up to this line; only the first %d are listed", more, MaxErrors)}
}

// Limit cuts a list of problems in line order, such as a parse's and the
// rows an importer refused merged, to its first MaxErrors, ending it with
// one error counting the rest: those cut here and those that earlier cuts
// counted. A list that needs no cut is returned as it is.
func Limit(errs []error) []error {
	var (
		kept       []error
		more, line int
		file       string
	)
	for _, err := range errs {
		le, ok := errors.AsType[*LineError](err)
		switch {
		case ok && le.More > 0:
			more, line, file = more+le.More, max(line, le.Line), le.File
		case len(kept) < MaxErrors:
			kept = append(kept, err)
		default:
			more++
			if ok {
				line, file = max(line, le.Line), le.File
			}
		}
	}
	if more == 0 {
		return errs
	}
	return append(kept, moreErrors(file, line, more))
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
