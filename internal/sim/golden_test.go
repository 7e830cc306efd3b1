package sim_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/report"
	"github.com/dripline/dripline/internal/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// jsonl encodes touches the way `dripline simulate --format jsonl` prints them.
func jsonl(t testing.TB, touches []report.Touch) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, tc := range touches {
		if err := enc.Encode(tc); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output:\n got: %.2000s\nwant: %.2000s", path, got, want)
	}
}

// The small contacts and events files give exactly the lines in the golden file.
func TestSimulateGoldenSmall(t *testing.T) {
	t.Parallel()
	golden(t, "year.golden.jsonl", jsonl(t, run(t, "2027-01-01T00:00:00Z")))
}

// A varied population of a few thousand contacts through the default
// library for a year prints the same bytes as before: the output's line
// count and SHA-256 are kept in testdata (the lines themselves are 5 MB).
// It runs with one shard and with several, which must agree byte for byte.
func TestSimulateGoldenPopulation(t *testing.T) {
	t.Parallel()
	lib, set := library(t)
	from := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	contacts, events := variedPopulation(3000, from)
	var first []byte
	for _, workers := range []int{1, 3, 8} {
		res, err := sim.Run(context.Background(), sim.Options{
			Library: lib, Templates: set, From: from, Until: from.AddDate(1, 0, 0),
			Contacts: contacts, Events: events, EventFile: "events.csv", Workers: workers,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Skipped) != 0 {
			t.Fatalf("workers=%d: skipped %v", workers, res.Skipped)
		}
		out := jsonl(t, res.Touches)
		if first == nil {
			first = out
			golden(t, "population.golden.sum", fmt.Appendf(nil, "%d lines sha256 %x\n", bytes.Count(out, []byte("\n")), sha256.Sum256(out)))
			continue
		}
		if !bytes.Equal(out, first) {
			t.Errorf("workers=%d prints other lines than workers=1: %s", workers, firstDiff(out, first))
		}
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// variedPopulation makes n contacts and their events over a year after
// from: every status, industries with and without a track, zones good, bad
// and missing, contacts without an email or an external_id, addresses that
// share one email (so an unsubscribe reaches the others), missing postal
// addresses, birthdays (one on 29 February), custom fields, and every
// event, some repeated, some at the same instant, some at touch times.
func variedPopulation(n int, from time.Time) ([]engine.Contact, []csvio.EventRow) {
	statuses := []string{"prospect", "prospect", "suspect", "customer", "prospect"}
	industries := []string{"", "legal", "healthcare", "dental", "accounting", "cpa", "manufacturing", "retail", "law", ""}
	zones := []string{"America/Chicago", "America/Los_Angeles", "Europe/London", "", "Not/AZone", "Asia/Kolkata", "America/New_York"}
	names := []string{"Pat", "Kim", "Sam", "Jo", "Lee", "Ana"}
	var contacts []engine.Contact
	var events []csvio.EventRow
	// later lists the events that follow contact.created, by i%11.
	later := [][]followUp{
		{{"opportunity.created", 0, 3, ""}, {"opportunity.lost", 1, 0, ""}},
		{{"sale.closed", 0, 20, ""}},
		{{"event.attended", 0, 9, ""}},
		{{"contact.unsubscribed", 0, 40, ""}},
		{{"service.due", 2, 0, ""}, {"service.completed", 2, 10, ""}},
		{{"opportunity.won", 0, 50, ""}},
		{{"contact.bounced", 3, 0, ""}},
		{{"manual", 0, 5, "value-add"}},
		{{"opportunity.lost", 5, 0, ""}, {"opportunity.lost", 7, 0, ""}},
		{{"contact.updated", 0, 2, ""}, {"event.attended", 4, 0, ""}},
		nil,
	}
	add := func(ref string, ev engine.Event) {
		events = append(events, csvio.EventRow{Line: len(events) + 2, Contact: ref, Event: ev})
	}
	for i := range n {
		c := engine.Contact{
			ExternalID: fmt.Sprintf("v-%d", i), Email: fmt.Sprintf("v%d@example.com", i),
			FirstName: names[i%len(names)], LastName: fmt.Sprintf("L%d", i%97), Status: statuses[i%len(statuses)],
			Industry: industries[i%len(industries)], TimeZone: zones[i%len(zones)], Owner: fmt.Sprintf("rep-%d", i%13),
			Company: fmt.Sprintf("Co %d", i%31), Street: "1 Main St", City: "Springfield", PostalCode: "62701",
		}
		switch i % 17 {
		case 1:
			c.Email = ""
		case 2:
			c.ExternalID = ""
		case 3:
			c.Email = fmt.Sprintf(" Shared%d@Example.com", i%5) // several contacts, one address
		case 4:
			c.Email = fmt.Sprintf("shared%d@example.com", i%5)
		case 5:
			c.Street, c.City = "", ""
		case 6:
			c.Owner = ""
		case 7:
			c.Custom = map[string]string{"plan": fmt.Sprint(i % 3)}
		}
		if i%41 == 0 {
			born := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1461)
			c.Birthday = &born
		}
		if i == 58 {
			born := time.Date(1984, 2, 29, 0, 0, 0, 0, time.UTC)
			c.Birthday = &born
		}
		contacts = append(contacts, c)
		ref := report.Label(c)
		// Created on the hour within ten weeks; many at the same instant.
		at := from.Add(time.Duration(i%1680) * time.Hour)
		if i%13 == 0 {
			at = at.Add(time.Duration(i%7) * 300 * time.Millisecond) // printed to the second only
		}
		add(ref, engine.Event{Name: "contact.created", At: at})
		if i%23 == 0 {
			add(ref, engine.Event{Name: "contact.created", At: at}) // the same event again: handled once
		}
		if i%11 == 8 { // a sale on the first day, all at one instant
			add(ref, engine.Event{Name: "sale.closed", At: from.AddDate(0, 0, 1).Add(17 * time.Hour), Amount: "$1,200.00", Item: "Copier"})
		}
		for _, f := range later[i%11] {
			add(ref, engine.Event{Name: f.event, Track: f.track, At: at.AddDate(0, f.months, f.days)})
		}
	}
	return contacts, events
}

// followUp is an event some months and days after a contact is created.
type followUp struct {
	event        string
	months, days int
	track        string
}
