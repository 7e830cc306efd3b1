package templates

import (
	"fmt"
	"reflect"
	"strings"
	"text/template"
)

// MaxSource caps the size of one template, in bytes.
const MaxSource = 64 << 10

// funcs replaces the builtin functions that build a string in memory before
// anything reaches the capped writer: printf, print and println (whose
// results, kept in variables, can be fed back in to multiply a string at every
// step) and the escapers (which print all their arguments first). Each one
// estimates what it would build and fails with ErrTooLarge past MaxOutput
// instead, so a template's work and memory stay bounded by its size, not
// only the bytes it writes.
var funcs = template.FuncMap{
	"printf":   boundedPrintf,
	"print":    bounded("print", 1, fmt.Sprint),
	"println":  bounded("println", 1, fmt.Sprintln),
	"html":     bounded("html", 6, template.HTMLEscaper),
	"js":       bounded("js", 6, template.JSEscaper),
	"urlquery": bounded("urlquery", 3, template.URLQueryEscaper),
}

// bounded wraps fn, which prints args and may grow each byte into up to
// factor bytes, with a check of the size it would build.
func bounded(name string, factor int, fn func(args ...any) string) func(args ...any) (string, error) {
	return func(args ...any) (string, error) {
		size := len(args)
		for _, a := range args {
			size += factor * printedLen(a)
		}
		if size > MaxOutput {
			return "", tooLarge(name, size)
		}
		return fn(args...), nil
	}
}

func boundedPrintf(format string, args ...any) (string, error) {
	if size := printfSize(format, args); size > MaxOutput {
		return "", tooLarge("printf", size)
	}
	return fmt.Sprintf(format, args...), nil
}

func tooLarge(name string, size int) error {
	return fmt.Errorf("%s would build about %d bytes, more than %d: %w", name, size, MaxOutput, ErrTooLarge)
}

// printedLen is at most how long any verb prints a, before width and
// precision: a string's length; for a number or bool, 160 bytes (%b of a
// complex128); for anything else, generously, sixteen times the longer of its
// %v and %#v forms, since a bad verb is repeated on every element
// ([%!A(uint8=48) …]).
func printedLen(a any) int {
	switch v := reflect.ValueOf(a); {
	case v.Kind() == reflect.String:
		return v.Len()
	case scalar(v):
		return 160
	}
	return 16*max(len(fmt.Sprint(a)), len(fmt.Sprintf("%#v", a))) + 64
}

// elements bounds how many values fmt formats one by one inside a, each
// padded to the verb's width: one for a string or a number, else no more than
// the length of its %#v form.
func elements(a any) int {
	if v := reflect.ValueOf(a); v.Kind() == reflect.String || scalar(v) {
		return 1
	}
	return len(fmt.Sprintf("%#v", a)) + 1
}

// scalar reports whether v is nil, a bool or a number.
func scalar(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	}
	return false
}

// maxWidth is more than the largest width or precision fmt accepts: it
// stops reading digits once the number passes 1e6, so 9999999 still counts.
const maxWidth = 1e7 + 10

// verbOverhead covers what fmt adds around a verb: a sign, 0x, or an error
// such as %!d(string=…).
const verbOverhead = 32

// printfSize bounds the length of fmt.Sprintf(format, args...) without
// building it. It follows fmt's syntax: flags, [n] argument indexes, widths
// and precisions given as numbers or as * arguments.
func printfSize(format string, args []any) int {
	s := &printfScan{format: format, args: args, used: make([]bool, len(args))}
	size := len(format)
	for s.next() {
		verb, flags, ok := s.verb()
		if !ok || verb == '%' {
			continue
		}
		if s.arg >= len(args) {
			size += s.width + s.prec + verbOverhead // %!d(MISSING)
			continue
		}
		a := args[s.arg]
		size += (s.width+s.prec+verbOverhead)*elements(a) + growth(verb, flags)*printedLen(a)
		s.used[s.arg] = true
		s.arg++
	}
	for i, u := range s.used {
		if !u {
			size += printedLen(args[i]) + verbOverhead // %!(EXTRA type=value)
		}
	}
	return size
}

// growth is how many bytes a verb may print for each byte of its argument:
// %q and %#v quote (\x00 for one byte), % #x writes "0x00 " per byte.
func growth(verb byte, flags string) int {
	switch {
	case verb == 'q', verb == 'v' && strings.ContainsAny(flags, "#+"):
		return 6
	case verb == 'x', verb == 'X':
		return 5
	}
	return 1
}

// printfScan walks the verbs of a printf format.
type printfScan struct {
	format      string
	args        []any
	used        []bool
	i, arg      int // position in format, next argument
	width, prec int // of the current verb
}

// next moves to the byte after the next '%', reporting whether there is one.
func (s *printfScan) next() bool {
	j := strings.IndexByte(s.format[s.i:], '%')
	if j < 0 {
		return false
	}
	s.i += j + 1
	return true
}

// verb reads flags, width, precision and argument indexes up to the verb,
// and returns the verb and the flags; ok is false at the end of the format.
func (s *printfScan) verb() (verb byte, flags string, ok bool) {
	start := s.i
	for s.i < len(s.format) && strings.IndexByte("#0+- ", s.format[s.i]) >= 0 {
		s.i++
	}
	flags = s.format[start:s.i]
	s.index()
	s.width = s.number()
	s.prec = 0
	if s.i+1 < len(s.format) && s.format[s.i] == '.' { // a last '.' is the verb
		s.i++
		s.index()
		s.prec = s.number()
	}
	s.index()
	if s.i >= len(s.format) {
		return 0, flags, false
	}
	s.i++
	return s.format[s.i-1], flags, true
}

// index reads an explicit argument index [n], if any.
func (s *printfScan) index() {
	if s.i >= len(s.format) || s.format[s.i] != '[' {
		return
	}
	end := strings.IndexByte(s.format[s.i:], ']')
	if end < 0 {
		return
	}
	n := 0
	fmt.Sscan(s.format[s.i+1:s.i+end], &n)
	if n >= 1 {
		s.arg = n - 1
	}
	s.i += end + 1
}

// number reads a width or precision: digits, or * taking an int argument.
func (s *printfScan) number() int {
	if s.i < len(s.format) && s.format[s.i] == '*' {
		s.i++
		n := 0
		if s.arg < len(s.args) {
			n, _ = s.args[s.arg].(int)
			s.used[s.arg] = true
			s.arg++
		}
		return min(max(n, -n), maxWidth)
	}
	n := 0
	for s.i < len(s.format) && '0' <= s.format[s.i] && s.format[s.i] <= '9' {
		n = min(n*10+int(s.format[s.i]-'0'), maxWidth)
		s.i++
	}
	return n
}
