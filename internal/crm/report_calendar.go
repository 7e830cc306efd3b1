package crm

import (
	"fmt"
	"time"

	"github.com/dripline/dripline/tracks"
)

// period is what a report counts by.
type period int

const (
	byDay period = iota
	byWeek
	byMonth
)

// Calendar is the periods a span falls in: period i begins at Starts[i]
// (midnight in the span's zone) and is labelled Labels[i]; the last ends
// with the span. The store counts by period index (SQL width_bucket), which
// keeps time zone arithmetic out of its per-row work.
type Calendar struct {
	Starts []time.Time
	Labels []string
}

// calendar lists the days (2026-12-01), ISO weeks (2026-W49) or months
// (2026-12) the span touches.
func calendar(span ReportSpan, p period) Calendar {
	loc, ok := tracks.LoadZone(span.Zone)
	if !ok {
		loc = time.UTC
	}
	first := midnight(span.From, loc)
	switch p {
	case byWeek:
		first = first.AddDate(0, 0, -(int(first.Weekday())+6)%7)
	case byMonth:
		first = first.AddDate(0, 0, 1-first.Day())
	}
	var c Calendar
	for t := first; t.Before(span.Until); t = next(t, p) {
		c.Starts = append(c.Starts, t.UTC())
		c.Labels = append(c.Labels, label(t, p))
	}
	return c
}

// next is the start of the period after the one starting at t.
func next(t time.Time, p period) time.Time {
	switch p {
	case byWeek:
		return t.AddDate(0, 0, 7)
	case byMonth:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

// label names the period starting at t.
func label(t time.Time, p period) string {
	switch p {
	case byWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case byMonth:
		return t.Format("2006-01")
	}
	return t.Format(time.DateOnly)
}
