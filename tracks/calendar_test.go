package tracks

import (
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkTime fails unless got is the instant want (RFC 3339) and reads the
// same wall time and offset in loc.
func checkTime(t *testing.T, got time.Time, want string) {
	t.Helper()
	if got.Format(time.RFC3339) != want {
		t.Errorf("got %s, want %s", got.Format(time.RFC3339), want)
	}
}

func TestAtWall(t *testing.T) {
	tests := []struct {
		zone string
		wall string // local date and time
		want string
	}{
		{"UTC", "2026-01-05T09:00", "2026-01-05T09:00:00Z"},
		// spring forward: 02:00–02:59 do not exist
		{"America/Los_Angeles", "2026-03-08T01:59", "2026-03-08T01:59:00-08:00"},
		{"America/Los_Angeles", "2026-03-08T02:00", "2026-03-08T03:00:00-07:00"},
		{"America/Los_Angeles", "2026-03-08T02:30", "2026-03-08T03:00:00-07:00"},
		{"America/Los_Angeles", "2026-03-08T03:00", "2026-03-08T03:00:00-07:00"},
		{"Europe/Berlin", "2026-03-29T02:30", "2026-03-29T03:00:00+02:00"},
		// fall back: 01:00–01:59 happen twice in Los Angeles, 02:00–02:59 in Berlin; the earlier wins
		{"America/Los_Angeles", "2026-11-01T01:00", "2026-11-01T01:00:00-07:00"},
		{"America/Los_Angeles", "2026-11-01T01:30", "2026-11-01T01:30:00-07:00"},
		{"America/Los_Angeles", "2026-11-01T02:00", "2026-11-01T02:00:00-08:00"},
		{"Europe/Berlin", "2026-10-25T02:30", "2026-10-25T02:30:00+02:00"},
		{"Europe/Berlin", "2026-10-25T03:00", "2026-10-25T03:00:00+01:00"},
		// Samoa skipped 30 December 2011 entirely
		{"Pacific/Apia", "2011-12-30T10:00", "2011-12-31T00:00:00+14:00"},
		// Havana springs forward at midnight: the day starts at 01:00
		{"America/Havana", "2026-03-08T00:00", "2026-03-08T01:00:00-04:00"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.wall, func(t *testing.T) {
			w, err := time.Parse("2006-01-02T15:04", tt.wall)
			if err != nil {
				t.Fatal(err)
			}
			got := atWall(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0, mustZone(t, tt.zone))
			checkTime(t, got, tt.want)
		})
	}
}

func TestAdd(t *testing.T) {
	monWedFri := [7]bool{time.Monday: true, time.Wednesday: true, time.Friday: true}
	tests := []struct {
		name    string
		zone    string
		from    string
		d       string
		allowed [7]bool // zero: Mon–Fri
		want    string
	}{
		{"zero", "UTC", "2026-01-05T17:00:00Z", "0d", [7]bool{}, "2026-01-05T17:00:00Z"},
		{"minutes", "UTC", "2026-01-05T17:00:00Z", "90min", [7]bool{}, "2026-01-05T18:30:00Z"},
		{"days", "UTC", "2026-01-05T17:00:00Z", "30d", [7]bool{}, "2026-02-04T17:00:00Z"},
		{"weeks", "UTC", "2026-01-05T17:00:00Z", "2w", [7]bool{}, "2026-01-19T17:00:00Z"},
		{"year", "UTC", "2026-01-05T17:00:00Z", "1y", [7]bool{}, "2027-01-05T17:00:00Z"},

		// months clamp to the end of the month
		{"jan31+1mo", "UTC", "2026-01-31T10:00:00Z", "1mo", [7]bool{}, "2026-02-28T10:00:00Z"},
		{"jan31+1mo leap", "UTC", "2028-01-31T10:00:00Z", "1mo", [7]bool{}, "2028-02-29T10:00:00Z"},
		{"jan31+17mo", "UTC", "2026-01-31T10:00:00Z", "17mo", [7]bool{}, "2027-06-30T10:00:00Z"},
		{"mar31+1mo", "UTC", "2026-03-31T10:00:00Z", "1mo", [7]bool{}, "2026-04-30T10:00:00Z"},
		{"dec31+2mo", "UTC", "2026-12-31T10:00:00Z", "2mo", [7]bool{}, "2027-02-28T10:00:00Z"},
		{"feb29+1y", "UTC", "2028-02-29T10:00:00Z", "1y", [7]bool{}, "2029-02-28T10:00:00Z"},
		{"feb29+4y", "UTC", "2028-02-29T10:00:00Z", "4y", [7]bool{}, "2032-02-29T10:00:00Z"},
		{"feb28+1d leap", "UTC", "2028-02-28T10:00:00Z", "1d", [7]bool{}, "2028-02-29T10:00:00Z"},
		{"feb28+1d", "UTC", "2027-02-28T10:00:00Z", "1d", [7]bool{}, "2027-03-01T10:00:00Z"},
		{"1900 is no leap year", "UTC", "1900-01-31T10:00:00Z", "1mo", [7]bool{}, "1900-02-28T10:00:00Z"},
		{"2000 is a leap year", "UTC", "2000-01-31T10:00:00Z", "1mo", [7]bool{}, "2000-02-29T10:00:00Z"},

		// business days, Mon–Fri (2026-01-09 is a Friday)
		{"fri+1bd", "UTC", "2026-01-09T10:00:00Z", "1bd", [7]bool{}, "2026-01-12T10:00:00Z"},
		{"sat+1bd", "UTC", "2026-01-10T10:00:00Z", "1bd", [7]bool{}, "2026-01-12T10:00:00Z"},
		{"sun+1bd", "UTC", "2026-01-11T10:00:00Z", "1bd", [7]bool{}, "2026-01-12T10:00:00Z"},
		{"sat+0bd stays", "UTC", "2026-01-10T10:00:00Z", "0bd", [7]bool{}, "2026-01-10T10:00:00Z"},
		{"mon+3bd", "UTC", "2026-01-05T10:00:00Z", "3bd", [7]bool{}, "2026-01-08T10:00:00Z"},
		{"mon+5bd", "UTC", "2026-01-05T10:00:00Z", "5bd", [7]bool{}, "2026-01-12T10:00:00Z"},
		{"thu+3bd", "UTC", "2026-01-08T10:00:00Z", "3bd", [7]bool{}, "2026-01-13T10:00:00Z"},
		{"mon+23bd", "UTC", "2026-01-05T10:00:00Z", "23bd", [7]bool{}, "2026-02-05T10:00:00Z"},
		{"fri+1bd mon-wed-fri", "UTC", "2026-01-09T10:00:00Z", "1bd", monWedFri, "2026-01-12T10:00:00Z"},
		{"mon+3bd mon-wed-fri", "UTC", "2026-01-05T10:00:00Z", "3bd", monWedFri, "2026-01-12T10:00:00Z"},
		{"tue+7bd mon-wed-fri", "UTC", "2026-01-06T10:00:00Z", "7bd", monWedFri, "2026-01-21T10:00:00Z"},
		{"sat only", "UTC", "2026-01-10T10:00:00Z", "2bd", [7]bool{time.Saturday: true}, "2026-01-24T10:00:00Z"},

		// calendar units keep the wall clock across DST; min and h do not
		{"LA spring +1d", "America/Los_Angeles", "2026-03-07T10:00:00-08:00", "1d", [7]bool{}, "2026-03-08T10:00:00-07:00"},
		{"LA spring +24h", "America/Los_Angeles", "2026-03-07T10:00:00-08:00", "24h", [7]bool{}, "2026-03-08T11:00:00-07:00"},
		{"LA spring into gap", "America/Los_Angeles", "2026-03-07T02:30:00-08:00", "1d", [7]bool{}, "2026-03-08T03:00:00-07:00"},
		{"LA spring +60min", "America/Los_Angeles", "2026-03-08T01:30:00-08:00", "60min", [7]bool{}, "2026-03-08T03:30:00-07:00"},
		{"LA spring +1w", "America/Los_Angeles", "2026-03-02T09:00:00-08:00", "1w", [7]bool{}, "2026-03-09T09:00:00-07:00"},
		{"LA spring +1bd", "America/Los_Angeles", "2026-03-06T09:00:00-08:00", "1bd", [7]bool{}, "2026-03-09T09:00:00-07:00"},
		{"LA fall +1d", "America/Los_Angeles", "2026-10-31T10:00:00-07:00", "1d", [7]bool{}, "2026-11-01T10:00:00-08:00"},
		{"LA fall ambiguous", "America/Los_Angeles", "2026-10-31T01:30:00-07:00", "1d", [7]bool{}, "2026-11-01T01:30:00-07:00"},
		{"LA fall second 01:30 +0d", "America/Los_Angeles", "2026-11-01T01:30:00-08:00", "0d", [7]bool{}, "2026-11-01T01:30:00-08:00"},
		{"LA fall second 01:30 +1d", "America/Los_Angeles", "2026-11-01T01:30:00-08:00", "1d", [7]bool{}, "2026-11-02T01:30:00-08:00"},
		{"LA fall +24h", "America/Los_Angeles", "2026-10-31T10:00:00-07:00", "24h", [7]bool{}, "2026-11-01T09:00:00-08:00"},
		{"Berlin spring +1d", "Europe/Berlin", "2026-03-28T10:00:00+01:00", "1d", [7]bool{}, "2026-03-29T10:00:00+02:00"},
		{"Berlin spring into gap", "Europe/Berlin", "2026-01-29T02:15:00+01:00", "2mo", [7]bool{}, "2026-03-29T03:00:00+02:00"},
		{"Berlin fall ambiguous", "Europe/Berlin", "2026-10-24T02:30:00+02:00", "1d", [7]bool{}, "2026-10-25T02:30:00+02:00"},
		{"Berlin fall +1mo", "Europe/Berlin", "2026-09-25T09:00:00+02:00", "1mo", [7]bool{}, "2026-10-25T09:00:00+01:00"},
		{"Berlin 17mo", "Europe/Berlin", "2026-01-31T09:00:00+01:00", "17mo", [7]bool{}, "2027-06-30T09:00:00+02:00"},
		// the local date counts, not the UTC one: Friday 17:00 in LA is Saturday in UTC
		{"local weekday", "America/Los_Angeles", "2026-01-09T17:00:00-08:00", "1bd", [7]bool{}, "2026-01-12T17:00:00-08:00"},
		{"local month end", "America/Los_Angeles", "2026-01-31T20:00:00-08:00", "1mo", [7]bool{}, "2026-02-28T20:00:00-08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDuration(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			allowed := tt.allowed
			if allowed == [7]bool{} {
				allowed = weekdays
			}
			got := add(mustTime(t, tt.from), d, mustZone(t, tt.zone), allowed)
			checkTime(t, got, tt.want)
		})
	}
}

func TestLocation(t *testing.T) {
	contact := &Window{TimeZone: TimeZoneContact, Fallback: "America/Chicago"}
	fixed := &Window{TimeZone: "Europe/Berlin", Fallback: "UTC"}
	tests := []struct {
		name      string
		window    *Window
		contactTZ string
		want      string
	}{
		{"no window, contact zone", nil, "America/New_York", "America/New_York"},
		{"no window, no zone", nil, "", "UTC"},
		{"no window, bad zone", nil, "Mars/Olympus", "UTC"},
		{"no window, Local is no zone", nil, "Local", "UTC"},
		{"contact window, contact zone", contact, "Asia/Tokyo", "Asia/Tokyo"},
		{"contact window, no zone", contact, "", "America/Chicago"},
		{"contact window, bad zone", contact, "Nowhere", "America/Chicago"},
		{"contact window, no fallback", &Window{TimeZone: TimeZoneContact}, "", "UTC"},
		{"fixed window", fixed, "Asia/Tokyo", "Europe/Berlin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &Track{Window: tt.window}
			if got := tr.Location(tt.contactTZ).String(); got != tt.want {
				t.Errorf("Location(%q) = %s, want %s", tt.contactTZ, got, tt.want)
			}
		})
	}
}
