package crm

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/tracks"
)

func TestParseStages(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{in: "Prospect=0.1,Discovery=60%, Close = 1", want: "Prospect=0.1,Discovery=0.6,Close=1"},
		{in: "Won=100%", want: "Won=1"},
		{in: "Prospect", err: `stage 1 "Prospect": want NAME=PROBABILITY`},
		{in: "=0.5", err: `stage 1 "=0.5": want NAME=PROBABILITY`},
		{in: "A=0.1,B=high", err: `stage 2 "B": "high": want a probability such as 0.6 or 60%`},
		{in: "A=1.5", err: `stage 1 "A": "1.5": want a probability from 0 to 1`},
		{in: "A=-1%", err: `stage 1 "A": "-1%": want a probability from 0 to 1`},
		{in: "A=NaN", err: `stage 1 "A": "NaN": want a probability from 0 to 1`},
		{in: "A=0.1,a=0.2", err: `stage 2 "a": listed twice`},
	} {
		got, err := ParseStages(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
			t.Errorf("ParseStages(%q) error %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || got.String() != tt.want):
			t.Errorf("ParseStages(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if p := DefaultStages().Probability(" discovery "); p != 0.6 {
		t.Errorf("Discovery weighs %v, want 0.6 (the seeds' 60%%)", p)
	}
	if len(DefaultStages()) != 6 {
		t.Errorf("want the seeds' six stages, got %v", DefaultStages())
	}
}

func FuzzParseStages(f *testing.F) {
	f.Add("Prospect=0.1,Discovery=60%")
	f.Add("=,=")
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStages(s)
		if err != nil {
			return
		}
		again, err := ParseStages(st.String())
		if err != nil || again.String() != st.String() {
			t.Errorf("%q parsed to %q, which reads back as %q, %v", s, st, again, err)
		}
		for _, x := range st {
			if x.Probability < 0 || x.Probability > 1 {
				t.Errorf("%q: probability %v out of range", s, x.Probability)
			}
		}
	})
}

func TestTerritories(t *testing.T) {
	ts, err := ParseTerritories(" CA=alice, WA=bob, 981=carol, 98104=dave ")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ region, postal, want string }{
		{"ca", "", "alice"},
		{"WA", "98001", "bob"},
		{"WA", "98101", "carol"},
		{"", "98105", "carol"},
		{"", "98 104", "dave"},
		{"OR", "97201", ""},
		{"", "", ""},
	} {
		if got := ts.Owner(tt.region, tt.postal); got != tt.want {
			t.Errorf("Owner(%q, %q) = %q, want %q", tt.region, tt.postal, got, tt.want)
		}
	}
	for in, want := range map[string]string{
		"CA":              `territory 1 "CA": want REGION=USERNAME or POSTAL_PREFIX=USERNAME`,
		"CA=alice,=bob":   `territory 2 "=bob": want`,
		"CA=al ice":       `territory 1 "CA=al ice": "al ice" is not a username`,
		"CA=alice,ca=bob": `territory 2 "ca=bob": ca is listed twice`,
	} {
		if _, err := ParseTerritories(in); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseTerritories(%q) error %v, want %q", in, err, want)
		}
	}
	if ts, err := ParseTerritories("  "); err != nil || len(ts) != 0 {
		t.Errorf("empty territories: %v, %v", ts, err)
	}
}

func FuzzParseTerritories(f *testing.F) {
	f.Add("CA=alice,981=carol", "CA", "98101")
	f.Fuzz(func(t *testing.T, s, region, postal string) {
		ts, err := ParseTerritories(s)
		if err != nil {
			return
		}
		if rep := ts.Owner(region, postal); rep != "" && !strings.Contains(s, rep) {
			t.Errorf("%q gave %q a rep it does not name: %q", s, region+" "+postal, rep)
		}
	})
}

func TestCampaignFields(t *testing.T) {
	c, err := CampaignFields{Name: " Expo ", Type: "track vertical", Cost: "12.50"}.campaign()
	if err != nil || c.Name != "Expo" || c.Type != "Track Vertical" || c.Cost != "12.50" {
		t.Errorf("campaign = %+v, %v", c, err)
	}
	for f, field := range map[CampaignFields]string{
		{Type: "Event"}:                         "name",
		{Name: "X", Type: "Billboard"}:          "type",
		{Name: "X", Type: "Event", Cost: "-1"}:  "cost",
		{Name: "X", Type: "Event", Cost: "abc"}: "cost",
	} {
		_, err := f.campaign()
		if v, ok := AsValidation(err); !ok || v.Field != field {
			t.Errorf("%+v: %v, want an error on %s", f, err, field)
		}
	}
	_, err = CampaignFields{Name: "X", Type: "Billboard"}.campaign()
	if err == nil || !strings.Contains(err.Error(), "Event, Letter, Email, Call, Print, Web, Track General, Track Vertical, Referral") {
		t.Errorf("unknown type error %v should list the types", err)
	}
}

func TestForecastRowJSON(t *testing.T) {
	row := ForecastRow{Rep: "al\"ice", Week: "2026-W49", Counts: map[tracks.Channel]int{tracks.ChannelCall: 2, tracks.ChannelLetter: 1}}
	b, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"rep":"al\"ice","week":"2026-W49","calls":2,"tasks":0,"letters":1}`; string(b) != want {
		t.Errorf("forecast row JSON %s, want %s", b, want)
	}
}

func TestReportSpans(t *testing.T) {
	now := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC) // a Thursday
	for _, tt := range []struct {
		name        string
		span        func(time.Time, *time.Location) (time.Time, time.Time)
		from, until string
	}{
		{"month", thisMonth, "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"today", today, "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"eight weeks", eightWeeks, "2026-12-28T00:00:00Z", "2027-02-22T00:00:00Z"},
	} {
		from, until := tt.span(now, time.UTC)
		if f, u := from.Format(time.RFC3339), until.Format(time.RFC3339); f != tt.from || u != tt.until {
			t.Errorf("%s: [%s, %s), want [%s, %s)", tt.name, f, u, tt.from, tt.until)
		}
	}
	span := ReportSpan{From: time.Date(2026, 12, 29, 12, 0, 0, 0, time.UTC), Until: time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), Zone: "America/Los_Angeles"}
	for p, want := range map[period]string{
		byMonth: "2026-12@2026-12-01T08:00:00Z 2027-01@2027-01-01T08:00:00Z",
		byWeek:  "2026-W53@2026-12-28T08:00:00Z 2027-W01@2027-01-04T08:00:00Z",
		byDay: "2026-12-29@2026-12-29T08:00:00Z 2026-12-30@2026-12-30T08:00:00Z 2026-12-31@2026-12-31T08:00:00Z " +
			"2027-01-01@2027-01-01T08:00:00Z 2027-01-02@2027-01-02T08:00:00Z 2027-01-03@2027-01-03T08:00:00Z 2027-01-04@2027-01-04T08:00:00Z",
	} {
		cal := calendar(span, p)
		var got []string
		for i, l := range cal.Labels {
			got = append(got, l+"@"+cal.Starts[i].Format(time.RFC3339))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("calendar %d = %v, want %s", p, got, want)
		}
	}
}
