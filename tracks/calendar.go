package tracks

import (
	"sync"
	"time"
)

// zones caches loaded time zones by name: time.LoadLocation reads the zone
// database on every call. Only zones that load are kept, so the cache holds
// at most the IANA names.
var zones = struct {
	sync.RWMutex
	m map[string]*time.Location
}{m: map[string]*time.Location{"UTC": time.UTC}}

// LoadZone returns the IANA time zone called name, such as America/New_York,
// and whether it is one. It refuses "" and "Local", which time.LoadLocation
// accepts but which name no place. Zones are loaded once and kept.
func LoadZone(name string) (*time.Location, bool) {
	zones.RLock()
	loc, ok := zones.m[name]
	zones.RUnlock()
	if ok || name == "" || name == "Local" {
		return loc, ok
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Lock()
	zones.m[name] = loc
	zones.Unlock()
	return loc, true
}

// Location returns the time zone the track's calendar arithmetic and window
// use for a contact whose IANA zone is contactTZ (empty when unknown).
//
// With a window whose timezone is `contact`, that is the contact's zone when
// it loads, else the window's fallback (UTC when the track names none). With a
// window in a fixed zone, that zone. Without a window, the contact's zone when
// it loads, else UTC.
func (t *Track) Location(contactTZ string) *time.Location {
	w := t.Window
	if w != nil && w.TimeZone != TimeZoneContact {
		return zoneOr(w.TimeZone, time.UTC)
	}
	if loc, ok := LoadZone(contactTZ); ok {
		return loc
	}
	if w != nil {
		return zoneOr(w.Fallback, time.UTC)
	}
	return time.UTC
}

func zoneOr(name string, def *time.Location) *time.Location {
	if loc, ok := LoadZone(name); ok {
		return loc
	}
	return def
}

// weekdays are the business days when a track has no window.
var weekdays = [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}

// businessDays returns the days `bd` counts: the window's days, else Mon–Fri.
func (t *Track) businessDays() [7]bool {
	if t.Window != nil && t.Window.Days != [7]bool{} {
		return t.Window.Days
	}
	return weekdays
}

// add returns from + d in loc. Minutes and hours are absolute. The other
// units move the calendar date in loc and keep the local wall-clock time,
// resolved by atWall; months and years clamp the day to the end of the month.
// N business days move to the N'th allowed day after from's date, so from a
// Saturday 1bd is the next Monday (Mon–Fri). Zero of any unit does not move.
func add(from time.Time, d Duration, loc *time.Location, allowed [7]bool) time.Time {
	switch {
	case d.N == 0:
		return from.In(loc) // also keeps the later of two equal wall times
	case d.Unit == UnitMinute:
		return from.Add(time.Duration(d.N) * time.Minute).In(loc)
	case d.Unit == UnitHour:
		return from.Add(time.Duration(d.N) * time.Hour).In(loc)
	}
	local := from.In(loc)
	y, m, day := local.Date()
	switch d.Unit {
	case UnitDay:
		day += d.N
	case UnitWeek:
		day += 7 * d.N
	case UnitBusinessDay:
		day += countDays(local.Weekday(), d.N, allowed)
	case UnitMonth:
		y, m, day = addMonths(y, m, day, d.N)
	case UnitYear:
		y, m, day = addMonths(y, m, day, 12*d.N)
	}
	hh, mm, ss := local.Clock()
	return atWall(y, m, day, hh, mm, ss, local.Nanosecond(), loc)
}

// addMonths adds n months to a date, clamping the day to the month's last.
func addMonths(y int, m time.Month, day, n int) (int, time.Month, int) {
	months := int(m) - 1 + n
	y, m = y+months/12, time.Month(months%12+1)
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
		day = last
	}
	return y, m, day
}

// countDays returns how many calendar days after a day of weekday wd the
// n'th allowed day falls. Whole weeks are skipped at once: every run of 7
// days holds each weekday once.
func countDays(wd time.Weekday, n int, allowed [7]bool) int {
	perWeek := 0
	for _, ok := range allowed {
		if ok {
			perWeek++
		}
	}
	if n <= 0 || perWeek == 0 {
		return 0
	}
	weeks := (n - 1) / perWeek
	days, n := 7*weeks, n-weeks*perWeek
	for n > 0 {
		days++
		if allowed[(int(wd)+days)%7] {
			n--
		}
	}
	return days
}

// atWall returns the instant in loc whose local wall clock reads the given
// date and time (normalized like time.Date). When clocks go back and the wall
// time happens twice, it returns the earlier instant. When clocks go forward
// and the wall time does not exist, it returns the first instant after the
// gap, the moment of the change (02:30 on a spring-forward night in
// America/Los_Angeles gives 03:00 PDT). time.Date alone leaves both cases
// unspecified.
func atWall(y int, mon time.Month, d, h, m, s, ns int, loc *time.Location) time.Time {
	want := time.Date(y, mon, d, h, m, s, ns, time.UTC) // the wall time, read as UTC
	t := time.Date(y, mon, d, h, m, s, ns, loc)
	start, end := t.ZoneBounds()
	if wall(t).Equal(want) && (start.IsZero() || t.Sub(start) > 48*time.Hour) {
		return t // far from any change of offset: the only reading
	}
	// Try the offsets in force before, at and after t's period; any that
	// reads back as the wanted wall time is a valid reading.
	var best time.Time
	for _, probe := range [...]time.Time{start.Add(-time.Nanosecond), t, end} {
		_, off := probe.In(loc).Zone()
		u := want.Add(-time.Duration(off) * time.Second).In(loc)
		if wall(u).Equal(want) && (best.IsZero() || u.Before(best)) {
			best = u
		}
	}
	switch {
	case !best.IsZero():
		return best
	case wall(t).After(want):
		return start.In(loc) // t lies after the gap, which began at start
	default:
		return end.In(loc) // t lies before the gap, which begins at end
	}
}

// wall returns t's local date and clock read as a UTC time, so wall times
// compare as plain numbers.
func wall(t time.Time) time.Time {
	_, offset := t.Zone() // the local clock is UTC moved by the zone's offset
	return t.UTC().Add(time.Duration(offset) * time.Second)
}
