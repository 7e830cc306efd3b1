package tracks

import (
	"testing"
	"time"
)

func TestWindowNext(t *testing.T) {
	office := &Window{Days: weekdays, Start: 9 * 60, End: 17 * 60}
	night := &Window{Days: [7]bool{true, true, true, true, true, true, true}, Start: 2 * 60, End: 4 * 60}
	early := &Window{Days: [7]bool{true, true, true, true, true, true, true}, Start: 60, End: 90}
	gapOnly := &Window{Days: [7]bool{true, true, true, true, true, true, true}, Start: 2 * 60, End: 3 * 60}
	saturday := &Window{Days: [7]bool{time.Saturday: true}, End: 24 * 60}
	tests := []struct {
		name string
		w    *Window
		zone string
		t    string
		want string
	}{
		// 2026-01-05 is a Monday
		{"before start", office, "America/Los_Angeles", "2026-01-05T08:00:00-08:00", "2026-01-05T09:00:00-08:00"},
		{"at start", office, "America/Los_Angeles", "2026-01-05T09:00:00-08:00", "2026-01-05T09:00:00-08:00"},
		{"inside", office, "America/Los_Angeles", "2026-01-05T12:34:56-08:00", "2026-01-05T12:34:56-08:00"},
		{"last second", office, "America/Los_Angeles", "2026-01-05T16:59:59-08:00", "2026-01-05T16:59:59-08:00"},
		{"at end", office, "America/Los_Angeles", "2026-01-05T17:00:00-08:00", "2026-01-06T09:00:00-08:00"},
		{"friday end", office, "America/Los_Angeles", "2026-01-09T17:00:00-08:00", "2026-01-12T09:00:00-08:00"},
		{"saturday", office, "America/Los_Angeles", "2026-01-10T10:00:00-08:00", "2026-01-12T09:00:00-08:00"},
		{"sunday night", office, "America/Los_Angeles", "2026-01-11T23:59:00-08:00", "2026-01-12T09:00:00-08:00"},
		{"local day, not UTC", office, "America/Los_Angeles", "2026-01-10T01:00:00Z", "2026-01-12T09:00:00-08:00"},
		{"other zone", office, "Europe/Berlin", "2026-01-05T17:00:00Z", "2026-01-06T09:00:00+01:00"},
		{"whole saturday", saturday, "UTC", "2026-01-09T12:00:00Z", "2026-01-10T00:00:00Z"},
		{"saturday until midnight", saturday, "UTC", "2026-01-10T23:59:59Z", "2026-01-10T23:59:59Z"},
		{"after saturday", saturday, "UTC", "2026-01-11T00:00:00Z", "2026-01-17T00:00:00Z"},
		// DST: the start does not exist on 2026-03-08 in Los Angeles
		{"start in gap", night, "America/Los_Angeles", "2026-03-08T01:00:00-08:00", "2026-03-08T03:00:00-07:00"},
		{"after gap", night, "America/Los_Angeles", "2026-03-08T03:30:00-07:00", "2026-03-08T03:30:00-07:00"},
		{"Berlin start in gap", night, "Europe/Berlin", "2026-03-29T00:30:00+01:00", "2026-03-29T03:00:00+02:00"},
		{"hours wholly in gap", gapOnly, "America/Los_Angeles", "2026-03-08T00:00:00-08:00", "2026-03-09T02:00:00-07:00"},
		{"office hours on spring day", office, "America/Los_Angeles", "2026-03-06T18:00:00-08:00", "2026-03-09T09:00:00-07:00"},
		// DST: 01:00–01:59 happen twice on 2026-11-01 in Los Angeles; start and end are the earlier
		{"fall first 01:15", early, "America/Los_Angeles", "2026-11-01T01:15:00-07:00", "2026-11-01T01:15:00-07:00"},
		{"fall second 01:15", early, "America/Los_Angeles", "2026-11-01T01:15:00-08:00", "2026-11-02T01:00:00-08:00"},
		{"fall before start", early, "America/Los_Angeles", "2026-11-01T00:30:00-07:00", "2026-11-01T01:00:00-07:00"},
		{"no days", &Window{End: 24 * 60}, "UTC", "2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkTime(t, tt.w.Next(mustTime(t, tt.t), mustZone(t, tt.zone)), tt.want)
		})
	}
}
