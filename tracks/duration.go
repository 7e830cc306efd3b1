package tracks

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Unit is the unit of a Duration.
type Unit string

// The duration units. Minutes and hours are absolute time; the others move the
// calendar date and keep the local wall-clock time (see the package doc).
const (
	UnitMinute      Unit = "min"
	UnitHour        Unit = "h"
	UnitDay         Unit = "d"
	UnitBusinessDay Unit = "bd" // a day allowed by window.days; Mon–Fri without a window
	UnitWeek        Unit = "w"
	UnitMonth       Unit = "mo"
	UnitYear        Unit = "y"
)

// maxN caps the number of each unit at about 100 years, so that adding any
// valid duration to any date stays far from overflow.
var maxN = map[Unit]int{
	UnitMinute:      100 * 366 * 24 * 60,
	UnitHour:        100 * 366 * 24,
	UnitDay:         100 * 366,
	UnitBusinessDay: 100 * 366,
	UnitWeek:        100 * 53,
	UnitMonth:       100 * 12,
	UnitYear:        100,
}

// Duration is a step offset: a whole number of one unit, such as 3bd or 17mo.
type Duration struct {
	N    int
	Unit Unit
}

// String returns the duration as written in a track, such as "3bd".
func (d Duration) String() string { return strconv.Itoa(d.N) + string(d.Unit) }

const durationSyntax = "expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo"

// ParseDuration parses a duration such as "0d", "90min", "3bd" or "17mo".
// Negative numbers, a missing number, an unknown unit and numbers beyond about
// 100 years are errors that say what was expected.
func ParseDuration(s string) (Duration, error) {
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	num, unit := s[:digits], Unit(s[digits:])
	switch {
	case s == "":
		return Duration{}, errors.New("empty duration: " + durationSyntax)
	case strings.HasPrefix(s, "-"):
		return Duration{}, fmt.Errorf("duration %q is negative: %s", s, durationSyntax)
	case num == "":
		return Duration{}, fmt.Errorf("duration %q has no number: %s", s, durationSyntax)
	case unit == "":
		return Duration{}, fmt.Errorf("duration %q has no unit: %s", s, durationSyntax)
	}
	limit, ok := maxN[unit]
	if !ok {
		return Duration{}, fmt.Errorf("duration %q has unknown unit %q: %s", s, unit, durationSyntax)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n > limit {
		return Duration{}, fmt.Errorf("duration %q is too long: expected at most %d%s (about 100 years)", s, limit, unit)
	}
	return Duration{N: n, Unit: unit}, nil
}
