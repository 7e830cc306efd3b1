package tracks

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WritePlan writes a plan as a calendar a marketer can read, what `dripline
// tracks plan` prints: the track, when the contact was enrolled, then each
// touch with its due time and the calendar day it falls on, counted from the
// enrollment's day, all in the zone the track uses for a contact in tz.
func WritePlan(w io.Writer, t *Track, start time.Time, tz string, plan []PlannedTouch) error {
	loc := t.Location(tz)
	const layout = "Mon 2006-01-02 15:04 MST"
	fmt.Fprintf(w, "%s (%s), enrolled %s; times in %s\n\n", t.Name, t.ID, start.In(loc).Format(layout), loc)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tCHANNEL\tDUE\tDAY")
	for _, p := range plan {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", p.Step, p.Channel, p.Due.In(loc).Format(layout), daysBetween(start.In(loc), p.Due.In(loc)))
	}
	return tw.Flush()
}

// daysBetween counts the calendar days from a's date to b's, both local.
func daysBetween(a, b time.Time) int {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return int(day(b).Sub(day(a)).Hours() / 24)
}
