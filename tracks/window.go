package tracks

import "time"

// Next returns the first instant at or after t that lies inside the window
// in loc: on an allowed day, within [Start, End) local time. Before the
// start of an allowed day it returns that day's start; at or after the end,
// or on a day not allowed, the start of the next allowed day. A start or end
// that does not exist on a day (clocks set forward) is the first instant
// after the gap, so hours wholly inside a gap make that day closed; a start
// or end that happens twice (clocks set back) is the earlier instant.
// The result is in loc. A window with no allowed day returns t in loc.
func (w *Window) Next(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	y, m, d := local.Date()
	for i := range 8 { // today and the 7 days after: every weekday once
		day := time.Date(y, m, d+i, 0, 0, 0, 0, time.UTC)
		if !w.Days[day.Weekday()] {
			continue
		}
		dy, dm, dd := day.Date()
		start := atWall(dy, dm, dd, 0, w.Start, 0, 0, loc)
		end := atWall(dy, dm, dd, 0, w.End, 0, 0, loc)
		switch {
		case !local.Before(end) || !start.Before(end): // past the end, or no such hours that day
			continue
		case local.Before(start):
			return start
		}
		return local
	}
	return local
}
