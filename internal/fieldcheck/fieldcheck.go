// Package fieldcheck holds the limits on the values people and files send
// about contacts, reps and sales: the one place the HTTP API (through
// internal/crm) and the CSV imports (internal/csvio) check them, so both
// refuse the same things with the same words.
//
// A single-line field (a name, a company, a city, …) holds at most MaxLine
// characters and no line break or other control character: it ends up in
// email headers and subjects, where a line break would fail every email of
// the contact. Dates fall between MinYear and MaxYear, so that no due date
// computed from them leaves what PostgreSQL and the tracks can hold. Amounts
// are plain decimal numbers, not negative.
package fieldcheck

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The limits.
const (
	MaxLine        = 200  // characters in a single-line field
	MaxCustom      = 50   // custom fields on one contact
	MaxCustomKey   = 64   // characters in a custom field's name
	MaxCustomValue = 1000 // characters in a custom field's value
	MaxUsername    = 64   // characters in a rep's username
	MinYear        = 1900 // earliest year of a date
	MaxYear        = 2200 // latest year of a date
)

// Error is a bad value: Field names it as the API and the CSV header spell
// it (first_name, custom.seats, amount), Msg says what is wrong.
type Error struct {
	Field string
	Msg   string
}

func (e *Error) Error() string { return e.Field + ": " + e.Msg }

func bad(field, format string, args ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Line checks a single-line value of field: at most max characters, none of
// them a line break or another control character.
func Line(field, v string, max int) error {
	return text(field, v, max, unicode.IsControl, "one line without control characters")
}

// Lines checks a value that may span lines, such as a street address: at
// most max characters, no control character but line breaks and tabs.
func Lines(field, v string, max int) error {
	control := func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }
	return text(field, v, max, control, "text without control characters other than line breaks")
}

func text(field, v string, max int, refused func(rune) bool, want string) error {
	if n := utf8.RuneCountInString(v); n > max {
		return bad(field, "%d characters: want at most %d", n, max)
	}
	if i := strings.IndexFunc(v, refused); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return bad(field, "%q at character %d: want %s", r, utf8.RuneCountInString(v[:i])+1, want)
	}
	return nil
}

// Custom checks a contact's custom fields: how many, and each name and value.
func Custom(custom map[string]string) error {
	if len(custom) > MaxCustom {
		return bad("custom", "%d fields: want at most %d", len(custom), MaxCustom)
	}
	for k, v := range custom {
		if strings.TrimSpace(k) == "" {
			return bad("custom", "field names must not be empty")
		}
		if err := Line("custom", k, MaxCustomKey); err != nil {
			return bad("custom", "field name %.40q: %s", k, err.(*Error).Msg)
		}
		if err := Line("custom."+k, v, MaxCustomValue); err != nil {
			return err
		}
	}
	return nil
}

// Date checks that t falls between MinYear and MaxYear.
func Date(field string, t time.Time) error {
	if y := t.Year(); y < MinYear || y > MaxYear {
		return bad(field, "year %d: want a date between %d and %d", y, MinYear, MaxYear)
	}
	return nil
}

// decimal is a plain decimal number, as amounts and revenue are stored.
var decimal = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,2})?$`)

// Amount checks an amount of money: a plain decimal number with at most 12
// digits before the point and 2 after, not negative.
func Amount(field, s string) error {
	switch {
	case strings.HasPrefix(s, "-") && decimal.MatchString(s[1:]):
		return bad(field, "%q is negative: want 0 or more", s)
	case !decimal.MatchString(s):
		return bad(field, "%q: want a plain decimal number such as 1250.00", s)
	}
	return nil
}

// Username checks a rep's username, as the API takes it and as a CSV names
// an owner: not empty, at most MaxUsername characters, no spaces, slashes or
// control characters.
func Username(field, s string) error {
	switch {
	case s == "":
		return bad(field, "is required")
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }):
		return bad(field, "%q: no spaces or slashes", s)
	}
	return Line(field, s, MaxUsername)
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) { return errors.AsType[*Error](err) }
