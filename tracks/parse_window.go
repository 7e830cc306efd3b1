package tracks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// dayNames are the window.days values, indexed by time.Weekday.
var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

const hoursSyntax = `expected "HH:MM-HH:MM", such as "09:00-17:00"`

// window reads a send window. Omitted keys default to every day, the whole
// day, the contact's zone and UTC as the fallback.
func (p *parser) window(n *yaml.Node) *Window {
	m, ok := p.mapping(n, "window", "days", "hours", "timezone", "fallback")
	if !ok {
		return nil
	}
	w := &Window{
		Days:     [7]bool{true, true, true, true, true, true, true},
		End:      24 * 60,
		TimeZone: TimeZoneContact,
		Fallback: "UTC",
	}
	if v, ok := m["days"]; ok {
		w.Days = p.days(v)
	}
	if v, ok := m["hours"]; ok {
		s := p.str(v, "window.hours")
		start, end, err := parseHours(s)
		if err != nil && v.Kind == yaml.ScalarNode {
			p.errorf(v, "window.hours: %v", err)
		} else if err == nil {
			w.Start, w.End = start, end
		}
	}
	if v, ok := m["timezone"]; ok {
		w.TimeZone = p.str(v, "window.timezone")
		if _, ok := LoadZone(w.TimeZone); !ok && w.TimeZone != TimeZoneContact && v.Kind == yaml.ScalarNode {
			p.errorf(v, "window.timezone: unknown time zone %s: expected contact or an IANA zone such as America/Los_Angeles", describe(v))
		}
	}
	if v, ok := m["fallback"]; ok {
		w.Fallback = p.str(v, "window.fallback")
		if _, ok := LoadZone(w.Fallback); !ok && v.Kind == yaml.ScalarNode {
			p.errorf(v, "window.fallback: unknown time zone %s: expected an IANA zone such as America/Los_Angeles", describe(v))
		}
	}
	return w
}

func (p *parser) days(n *yaml.Node) [7]bool {
	var days [7]bool
	names, nodes := p.names(n, "window.days", "a day (mon, tue, wed, thu, fri, sat or sun)")
	for i, name := range names {
		d := slices.Index(dayNames[:], name)
		if d < 0 {
			p.errorf(nodes[i], "window.days: unknown day %q: expected mon, tue, wed, thu, fri, sat or sun", name)
			continue
		}
		days[d] = true
	}
	if empty(n) {
		p.errorf(n, "window.days: expected at least one day, found %s", describe(n))
	}
	return days
}

// parseHours parses "HH:MM-HH:MM" into minutes after midnight. The end may
// be 24:00 and must come after the start.
func parseHours(s string) (start, end int, err error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a range of hours: %s", s, hoursSyntax)
	}
	if start, err = clock(strings.TrimSpace(from), false); err == nil {
		end, err = clock(strings.TrimSpace(to), true)
	}
	switch {
	case err != nil:
		return 0, 0, fmt.Errorf("%q: %v: %s", s, err, hoursSyntax)
	case start >= end:
		return 0, 0, fmt.Errorf("%q ends before it starts: expected the start before the end on the same day", s)
	}
	return start, end, nil
}

// clock parses "HH:MM" (or "H:MM") into minutes after midnight; 24:00 only
// when it ends a range.
func clock(s string, isEnd bool) (int, error) {
	hh, mm, _ := strings.Cut(s, ":")
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	switch {
	case !digits(hh) || len(hh) > 2 || !digits(mm) || len(mm) != 2:
		return 0, fmt.Errorf("%q is not a time of day", s)
	case h == 24 && m == 0 && isEnd:
		return 24 * 60, nil
	case h > 23 || m > 59:
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return h*60 + m, nil
}

// digits reports whether s is a non-empty run of ASCII digits.
func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
