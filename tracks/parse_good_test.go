package tracks

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func parseFile(t testing.TB, file string) *Track {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse(file, src)
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	return tr
}

func dur(n int, u Unit) *Duration { return &Duration{N: n, Unit: u} }

func TestParseGood(t *testing.T) {
	files, err := filepath.Glob("testdata/good/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			tr := parseFile(t, file)
			if tr.File != file || len(tr.Hash) != 64 || len(tr.Source) == 0 {
				t.Errorf("File %q, Hash %q, %d bytes of Source", tr.File, tr.Hash, len(tr.Source))
			}
		})
	}
}

func TestParseDesignExample(t *testing.T) {
	tr := parseFile(t, "testdata/good/design-example.yaml")
	tr.Source, tr.Hash = nil, ""
	for i := range tr.Steps {
		tr.Steps[i].templatePos, tr.Steps[i].subjectPos, tr.Steps[i].notesPos = Pos{}, Pos{}, Pos{}
	}
	file := "testdata/good/design-example.yaml"
	want := &Track{
		ID:          "general-interest",
		Name:        "General Interest",
		Kind:        KindGeneralInterest,
		Description: "Year-long nurture for every new prospect.",
		Enroll: Enroll{
			On: []string{EventContactCreated},
			If: []Condition{
				{Field: "contact.status", Values: []string{"prospect"}},
				{Field: "contact.industry", Values: []string{"healthcare", "legal"}},
			},
			Reenroll: ReenrollNever,
		},
		Anchor: AnchorEnrolled,
		Exit:   []string{EventOpportunityWon, EventUnsubscribed},
		Window: &Window{Days: weekdays, Start: 9 * 60, End: 17 * 60, TimeZone: TimeZoneContact, Fallback: "America/Los_Angeles"},
		Steps: []Step{
			{ID: "welcome", At: dur(0, UnitDay), Channel: ChannelEmail,
				Action: Action{Template: "gi-welcome"}, Pos: Pos{file, 18, 5}},
			{ID: "intro-call", After: dur(3, UnitBusinessDay), Channel: ChannelCall,
				Action: Action{Assign: "owner", Subject: "Intro call with {{.Contact.FirstName}}", Activity: "Lead Follow Up Call"},
				Pos:    Pos{file, 21, 5}},
			{ID: "postcard", After: dur(2, UnitWeek), Channel: ChannelLetter,
				Action: Action{Template: "gi-postcard"}, Pos: Pos{file, 24, 5}},
		},
		File:  file,
		idPos: Pos{file, 1, 5},
	}
	if !reflect.DeepEqual(tr, want) {
		t.Errorf("got\n%+v\nwant\n%+v", tr, want)
	}
}

func TestParseDefaults(t *testing.T) {
	tr := parseFile(t, "testdata/good/minimal.yaml")
	if tr.Kind != KindCustom || tr.Anchor != AnchorEnrolled || tr.Enroll.Reenroll != ReenrollNever ||
		tr.Window != nil || tr.Then != "" || tr.Steps[0].Action.Assign != "owner" {
		t.Errorf("defaults: kind %q, anchor %q, reenroll %q, window %v, then %q, assign %q",
			tr.Kind, tr.Anchor, tr.Enroll.Reenroll, tr.Window, tr.Then, tr.Steps[0].Action.Assign)
	}
}

func TestParseWindowDefaultsAndAliases(t *testing.T) {
	tr := parseFile(t, "testdata/good/fixed-zone.yaml")
	wantWindow := &Window{
		Days:     [7]bool{time.Monday: true, time.Wednesday: true, time.Friday: true},
		Start:    8*60 + 30,
		End:      24 * 60,
		TimeZone: "Europe/Berlin",
		Fallback: "UTC",
	}
	if !reflect.DeepEqual(tr.Window, wantWindow) {
		t.Errorf("window %+v, want %+v", tr.Window, wantWindow)
	}
	if tr.Steps[1].Action != tr.Steps[0].Action || tr.Steps[1].Action.Assign != "mreyes" {
		t.Errorf("aliased action %+v, want %+v", tr.Steps[1].Action, tr.Steps[0].Action)
	}
	wantIf := []Condition{
		{Field: "contact.custom.fleet size", Values: []string{"10", "20"}},
		{Field: "event.item", Values: []string{"Managed IT Services agreement"}},
	}
	if !reflect.DeepEqual(tr.Enroll.If, wantIf) || tr.Exit != nil || tr.Then != "general-interest" {
		t.Errorf("if %+v, exit %v, then %q", tr.Enroll.If, tr.Exit, tr.Then)
	}
}

func TestParseHours(t *testing.T) {
	tests := []struct {
		in         string
		start, end int
		err        string
	}{
		{"09:00-17:00", 540, 1020, ""},
		{"9:00-17:30", 540, 1050, ""},
		{"00:00-24:00", 0, 1440, ""},
		{" 08:15 - 12:45 ", 495, 765, ""},
		{"17:00-09:00", 0, 0, `"17:00-09:00" ends before it starts: expected the start before the end on the same day`},
		{"09:00-09:00", 0, 0, `"09:00-09:00" ends before it starts: expected the start before the end on the same day`},
		{"24:00-24:00", 0, 0, `"24:00-24:00": "24:00" is not a time of day: expected "HH:MM-HH:MM", such as "09:00-17:00"`},
		{"09:00", 0, 0, `"09:00" is not a range of hours: expected "HH:MM-HH:MM", such as "09:00-17:00"`},
		{"09:60-10:00", 0, 0, `"09:60-10:00": "09:60" is not a time of day: expected "HH:MM-HH:MM", such as "09:00-17:00"`},
		{"09:00--1:00", 0, 0, `"09:00--1:00": "-1:00" is not a time of day: expected "HH:MM-HH:MM", such as "09:00-17:00"`},
		{"+9:00-10:00", 0, 0, `"+9:00-10:00": "+9:00" is not a time of day: expected "HH:MM-HH:MM", such as "09:00-17:00"`},
		{"009:00-10:00", 0, 0, `"009:00-10:00": "009:00" is not a time of day: expected "HH:MM-HH:MM", such as "09:00-17:00"`},
		{"", 0, 0, `"" is not a range of hours: expected "HH:MM-HH:MM", such as "09:00-17:00"`},
	}
	for _, tt := range tests {
		start, end, err := parseHours(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if start != tt.start || end != tt.end || got != tt.err {
			t.Errorf("parseHours(%q) = %d, %d, %q; want %d, %d, %q", tt.in, start, end, got, tt.start, tt.end, tt.err)
		}
	}
}
