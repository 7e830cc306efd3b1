package templates

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ErrNotFound is returned, wrapped, when a set has no template of that name.
var ErrNotFound = errors.New("no such template")

// ErrTooLarge is returned, wrapped, when a template's output passes MaxOutput.
var ErrTooLarge = errors.New("output too large")

// Error is a problem with one template: a parse error, a merge field that does
// not exist, a subject that is not one line. File is the file (or the name
// given to RenderText); Line and Col are 0 when unknown.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
	Err  error // the underlying error, if any
}

// Error formats e as file:line:col: message, leaving out what is unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

var location = regexp.MustCompile(`^(\d+)(?::(\d+))?: ?`)

// fileError turns an error from text/template or html/template about the
// template named file into an *Error with the line and column pulled out of
// the message and the repeated template name removed.
func fileError(file string, err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	e := &Error{File: file, Err: err}
	msg := err.Error()
	for _, prefix := range []string{"template: ", "html/template:"} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	if rest, ok := strings.CutPrefix(msg, file+":"); ok {
		msg = strings.TrimPrefix(rest, " ")
		if m := location.FindStringSubmatch(rest); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Col, _ = strconv.Atoi(m[2])
			msg = rest[len(m[0]):]
		}
	}
	e.Msg = strings.Replace(msg, "executing "+strconv.Quote(file)+" ", "", 1)
	return e
}
