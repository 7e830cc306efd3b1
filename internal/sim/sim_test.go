package sim_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/progress"
	"github.com/dripline/dripline/internal/report"
	"github.com/dripline/dripline/internal/sim"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

func library(t testing.TB) (*tracks.Library, *templates.Set) {
	t.Helper()
	set, err := templates.Default()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.Default(engine.LibraryOptions(set))
	if err != nil {
		t.Fatal(err)
	}
	return lib, set
}

func parse[T any](t *testing.T, path string, fn func(string, io.Reader) ([]T, []error)) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, errs := fn(path, f)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return rows
}

func run(t *testing.T, until string) []report.Touch {
	t.Helper()
	lib, set := library(t)
	res, err := sim.Run(context.Background(), sim.Options{
		Library: lib, Templates: set,
		From:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Until:    mustTime(t, until),
		Contacts: parse(t, "testdata/contacts.csv", csvio.ParseContacts),
		Events:   parse(t, "testdata/events.csv", csvio.ParseEvents), EventFile: "events.csv",
	})
	if err != nil || len(res.Skipped) > 0 {
		t.Fatal(err, res.Skipped)
	}
	return res.Touches
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func find(out []report.Touch, contact, track, step string) (report.Touch, bool) {
	for _, tc := range out {
		if tc.Contact == contact && tc.Track == track && tc.Step == step {
			return tc, true
		}
	}
	return report.Touch{}, false
}

func TestSimulateAYear(t *testing.T) {
	t.Parallel()
	out := run(t, "2027-01-01T00:00:00Z")

	for i := 1; i < len(out); i++ {
		if out[i-1].Due > out[i].Due || out[i-1].Due == out[i].Due && out[i-1].Contact > out[i].Contact {
			t.Fatalf("output not ordered by due then contact at line %d: %v then %v", i, out[i-1], out[i])
		}
	}
	tests := []struct {
		contact, track, step string
		want                 string // due outcome reason
	}{
		{"c-1", "after-sale", "day-4", "2026-01-06T19:30:00Z done "},
		{"c-1", "after-sale", "day-25", "2026-01-27T19:30:00Z done "},
		{"p-1", "general-interest", "welcome", "2026-01-05T17:00:00Z done "},
	}
	for _, tt := range tests {
		got, ok := find(out, tt.contact, tt.track, tt.step)
		if !ok {
			t.Errorf("%s %s/%s missing from the output", tt.contact, tt.track, tt.step)
			continue
		}
		if s := got.Due + " " + got.Outcome + " " + got.Reason; s != tt.want {
			t.Errorf("%s %s/%s = %q, want %q", tt.contact, tt.track, tt.step, s, tt.want)
		}
	}
	if _, ok := find(out, "c-1", "after-sale", "month-17"); ok {
		t.Error("month-17 falls after --until and must not be printed")
	}
	for track, by := range map[string]string{"general-interest": "2026-01-05T17:00:00Z", "industry-legal": "2026-01-12T00:00:00Z"} {
		i := slices.IndexFunc(out, func(tc report.Touch) bool { return tc.Contact == "p-2" && tc.Track == track })
		if i < 0 || out[i].Due > by {
			t.Errorf("legal prospect's first %s touch missing or after %s; contact.created enrolls on both at once", track, by)
		}
	}
	var afterUnsubscribe []string
	for _, tc := range out {
		if tc.Contact == "p-1" && tc.Due > "2026-02-10T12:00:00Z" && tc.Outcome == "done" {
			afterUnsubscribe = append(afterUnsubscribe, tc.Step)
		}
		if tc.Contact == "p-1" && tc.Outcome == "canceled" && tc.Reason != "exit: contact.unsubscribed" {
			t.Errorf("canceled with reason %q, want exit: contact.unsubscribed", tc.Reason)
		}
	}
	if len(afterUnsubscribe) > 0 {
		t.Errorf("p-1 got %v after unsubscribing", afterUnsubscribe)
	}
}

func TestSimulateSkipsEventRowsItCannotPlace(t *testing.T) {
	t.Parallel()
	lib, set := library(t)
	jan := func(d int) time.Time { return time.Date(2026, 1, d, 17, 0, 0, 0, time.UTC) }
	events := []csvio.EventRow{
		{Line: 2, Contact: "p-1", Event: engine.Event{Name: "contact.created", At: jan(5)}},
		{Line: 7, Contact: "nobody", Event: engine.Event{Name: "contact.created", At: jan(5)}},
		{Line: 8, Contact: "p-1", Event: engine.Event{Name: "opportunity.lost", At: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}},
	}
	res, err := sim.Run(context.Background(), sim.Options{
		Library: lib, Templates: set, EventFile: "events.csv", Events: events,
		Contacts: []engine.Contact{{ExternalID: "p-1", Email: "pat@example.com", Status: "prospect"}},
		From:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"events.csv:7: unknown contact", "events.csv:8: event at 2025-12-01T00:00:00Z is before --from"}
	if len(res.Skipped) != 2 || !strings.HasPrefix(res.Skipped[0].Error(), want[0]) || res.Skipped[1].Error() != want[1] {
		t.Fatalf("skipped = %v, want %q", res.Skipped, want)
	}
	if _, ok := find(res.Touches, "p-1", "general-interest", "welcome"); !ok {
		t.Fatal("the good row did not run")
	}
}

// Birthday letters come from the daemon's birthday job, not from an events
// file; a trial run greets birthdays on its virtual clock the same way.
func TestSimulateSendsBirthdayLetters(t *testing.T) {
	t.Parallel()
	lib, set := library(t)
	born := time.Date(1985, 3, 18, 0, 0, 0, 0, time.UTC)
	res, err := sim.Run(context.Background(), sim.Options{
		Library: lib, Templates: set,
		From:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Until: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC),
		Contacts: []engine.Contact{
			{ExternalID: "b-1", Email: "bea@example.com", FirstName: "Bea", Status: "customer",
				TimeZone: "America/Los_Angeles", Birthday: &born, Street: "1 Main St", City: "Fresno", PostalCode: "93650"},
			{ExternalID: "b-2", Email: "bo@example.com", FirstName: "Bo", Status: "suspect", Birthday: &born},
			{ExternalID: "n-1", Email: "nat@example.com", FirstName: "Nat", Status: "customer"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range res.Touches {
		if tc.Track == "birthday" {
			got = append(got, fmt.Sprintf("%s %s %s %s", tc.Contact, tc.Step, tc.Due, tc.Outcome))
		}
	}
	// Wednesday 18 March 2026 and Thursday 18 March 2027, 09:00 in Los Angeles
	// (the track's window); b-2 is a suspect, whom the track leaves out.
	want := []string{"b-1 letter 2026-03-18T16:00:00Z done", "b-1 letter 2027-03-18T16:00:00Z done"}
	if !slices.Equal(got, want) {
		t.Errorf("birthday touches = %q, want %q", got, want)
	}
}

func TestDays(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2026, 1, d, h, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		from, until time.Time
		want        int64
	}{
		{day(1, 0), day(1, 12), 1},
		{day(1, 9), day(2, 0), 2}, // from, then the midnight of the 2nd
		{day(1, 0), day(31, 23), 31},
		{time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), 366},
	} {
		if got := sim.Days(c.from, c.until); got != c.want {
			t.Errorf("Days(%s, %s) = %d, want %d", c.from, c.until, got, c.want)
		}
	}
}

// The progress line counts the simulated days up to the total.
func TestSimulateCountsDays(t *testing.T) {
	t.Parallel()
	lib, set := library(t)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	var out strings.Builder
	bar := progress.New(&out, sim.Days(from, until), progress.Items,
		progress.Options{Noun: "days", Clock: clock.NewVirtual(from)})
	_, err := sim.Run(context.Background(), sim.Options{Library: lib, Templates: set, From: from, Until: until, Progress: bar})
	if err != nil {
		t.Fatal(err)
	}
	if want := "31 days / 31 days  100%\x1b[K\n"; !strings.HasSuffix(out.String(), want) {
		t.Errorf("progress ends %q, want %q", out.String()[max(0, out.Len()-40):], want)
	}
}

// A template that fails for a contact's data fails that touch, and fails it
// again for a contact alike in what the template reads, whose render the
// simulation keeps rather than repeats; a contact it works for is done.
func TestSimulateFailsBrokenRenders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"gi-welcome.subject.tmpl": "Welcome, {{.Contact.FirstName}}",
		"gi-welcome.txt.tmpl":     "Hi from {{.Business.Name}}",
	} {
		if err := os.WriteFile(dir+"/"+name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := templates.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.Default(engine.LibraryOptions(set))
	if err != nil {
		t.Fatal(err)
	}
	jan5 := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	var contacts []engine.Contact
	var events []csvio.EventRow
	for i, first := range []string{"Pat\nBcc: all@example.com", "Kim", "Pat\nBcc: all@example.com"} {
		ref := fmt.Sprintf("p-%d", i+1)
		contacts = append(contacts, engine.Contact{ExternalID: ref, Email: ref + "@example.com", FirstName: first, Status: "prospect"})
		events = append(events, csvio.EventRow{Line: i + 2, Contact: ref, Event: engine.Event{Name: "contact.created", At: jan5}})
	}
	res, err := sim.Run(context.Background(), sim.Options{
		Library: lib, Templates: set, Contacts: contacts, Events: events, Workers: 1,
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ contact, outcome string }{{"p-1", "failed"}, {"p-2", "done"}, {"p-3", "failed"}} {
		got, ok := find(res.Touches, c.contact, "general-interest", "welcome")
		if !ok || got.Outcome != c.outcome || c.outcome == "failed" && !strings.Contains(got.Reason, "must be a single line") {
			t.Errorf("%s welcome = %+v, want %s", c.contact, got, c.outcome)
		}
	}
}

// A canceled run stops and says so rather than finishing the year.
func TestSimulateStopsWhenCanceled(t *testing.T) {
	t.Parallel()
	lib, set := library(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := sim.Run(ctx, sim.Options{
		Library: lib, Templates: set,
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Contacts: parse(t, "testdata/contacts.csv", csvio.ParseContacts),
		Events:   parse(t, "testdata/events.csv", csvio.ParseEvents),
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run on a canceled context = %v, want context.Canceled", err)
	}
}
