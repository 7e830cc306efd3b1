package sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/benchmeter"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/sim"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// BenchmarkSimulateYear runs a year of the default library for 1,000, 10,000
// and 100,000 contacts: each created as a prospect, a fifth of them in a target
// industry, a tenth later lost and a tenth sold, one in 365 with a birthday.
// It reports contacts a second of wall time and of CPU time (the machine
// may be shared) and the process's peak resident memory so far. The
// collector is set as `dripline simulate` sets it (sim.TuneGC). As on a real
// list, each contact has a first name and a company of its own, but for one
// in seven without a company; same-names gives them all one first name and
// no company, as the benchmark did before renders were shared by plain names.
func BenchmarkSimulateYear(b *testing.B) {
	defer sim.TuneGC()()
	lib, set := library(b)
	from := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("contacts=%d", n), func(b *testing.B) {
			contacts, events := population(n, from)
			simulateYear(b, lib, set, from, contacts, events)
		})
	}
	b.Run("same-names/contacts=10000", func(b *testing.B) {
		contacts, events := population(10_000, from)
		for i := range contacts {
			contacts[i].FirstName, contacts[i].Company = "Pat", ""
		}
		simulateYear(b, lib, set, from, contacts, events)
	})
}

// simulateYear runs a year from from and reports the figures.
func simulateYear(b *testing.B, lib *tracks.Library, set *templates.Set, from time.Time, contacts []engine.Contact, events []csvio.EventRow) {
	n := len(contacts)
	b.ResetTimer() // the population was built in this benchmark
	cpu := benchmeter.Since()
	var touches int
	for range b.N {
		res, err := sim.Run(context.Background(), sim.Options{
			Library: lib, Templates: set, From: from, Until: from.AddDate(1, 0, 0),
			Contacts: contacts, Events: events,
		})
		if err != nil {
			b.Fatal(err)
		}
		touches = len(res.Touches)
	}
	b.ReportMetric(float64(touches), "touches")
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "contacts/s")
	b.ReportMetric(float64(b.N*n)/cpu().Seconds(), "contacts/cpu-s")
	b.ReportMetric(float64(benchmeter.PeakRSS())/(1<<20), "peak-RSS-MB")
}

// population makes n contacts and their events, spread over the first
// weeks after from, the same for every run.
func population(n int, from time.Time) ([]engine.Contact, []csvio.EventRow) {
	industries := []string{"", "", "", "", "", "healthcare", "legal", "", "manufacturing", "accounting"}
	step := 7 * 24 * time.Hour * 8 / time.Duration(n) // all created within eight weeks
	contacts := make([]engine.Contact, 0, n)
	events := make([]csvio.EventRow, 0, n+n/5)
	for i := range n {
		ref := fmt.Sprintf("c-%d", i)
		c := engine.Contact{
			ExternalID: ref, Email: ref + "@example.com", FirstName: fmt.Sprintf("Pat%d", i), Status: "prospect",
			Industry: industries[i%10], TimeZone: "America/Chicago", Owner: fmt.Sprintf("rep-%d", i%20),
			Street: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701",
		}
		if i%7 != 0 {
			c.Company = fmt.Sprintf("Company %d", i)
		}
		if i%365 == 0 {
			born := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1461)
			c.Birthday = &born
		}
		contacts = append(contacts, c)
		at := from.Add(time.Duration(i) * step)
		events = append(events, csvio.EventRow{Contact: ref, Event: engine.Event{Name: "contact.created", At: at}})
		switch i % 10 {
		case 3:
			events = append(events, csvio.EventRow{Contact: ref, Event: engine.Event{Name: "opportunity.lost", At: at.AddDate(0, 2, 0)}})
		case 7:
			events = append(events, csvio.EventRow{Contact: ref, Event: engine.Event{Name: "sale.closed", At: at.AddDate(0, 1, 0)}})
		}
	}
	return contacts, events
}
