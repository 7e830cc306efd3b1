// Package demo is the sample `dripline demo` shows: three sales reps of an
// MSP, their contacts and the CRM events that put those contacts on tracks
// (data/*.csv, in the formats DESIGN.md fixes), and Load, which puts the
// sample into a CRM store.
package demo

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/tracks"
)

// The sample's files, as errors name them.
const (
	ContactsFile = "demo/contacts.csv"
	EventsFile   = "demo/events.csv"
)

//go:embed data/*.csv
var data embed.FS

// Contacts is the sample's contacts CSV.
func Contacts() []byte { return mustRead("data/contacts.csv") }

// Events is the sample's events CSV.
func Events() []byte { return mustRead("data/events.csv") }

func mustRead(name string) []byte {
	b, err := data.ReadFile(name)
	if err != nil {
		panic(err) // embedded above
	}
	return b
}

// Manager is the sample's sales manager, whose API token the demo prints.
const Manager = "mgarcia"

// Reps are the sample's reps: the sales reps owning the contacts, and the
// sales manager.
var Reps = []crm.RepFields{
	{Username: "cferguson", Name: "Cory Ferguson", Email: "cory@summit-tech.example", Title: "Account Manager", Phone: "(661) 555-0140",
		Signature: "Cory Ferguson\nAccount Manager, Summit Technology Partners\n(661) 555-0140"},
	{Username: "npoints", Name: "Nick Points", Email: "nick@summit-tech.example", Title: "Channel Sales Executive", Phone: "(661) 555-0141",
		Signature: "Nick Points\nChannel Sales Executive, Summit Technology Partners\n(661) 555-0141"},
	{Username: "jrivas", Name: "Jason Rivas", Email: "jason@summit-tech.example", Title: "Sales Associate", Phone: "(661) 555-0142",
		Signature: "Jason Rivas\nSales Associate, Summit Technology Partners\n(661) 555-0142"},
	{Username: Manager, Name: "Maria Garcia", Email: "maria@summit-tech.example", Title: "Sales Manager", Role: "manager"},
}

// Loaded counts what Load put in the store.
type Loaded struct {
	Reps, Contacts, NewContacts, Events, Enrolled int
}

// Load creates the sample's reps (keeping those that exist), imports its
// contacts and sends its events as if they happened now, sales four days
// before now, so the first touches and the after-sale check-in calls fall
// due today.
func Load(ctx context.Context, store *crm.Service, now time.Time) (Loaded, error) {
	for _, r := range Reps {
		if _, err := store.CreateRep(ctx, crm.System, r); err != nil && !errors.Is(err, engine.ErrConflict) {
			return Loaded{}, err
		}
	}
	res, err := store.Import(ctx, crm.System, ContactsFile, bytes.NewReader(Contacts()))
	if err != nil {
		return Loaded{}, err
	}
	rows, errs := csvio.ParseEvents(EventsFile, bytes.NewReader(Events()))
	if err := errors.Join(append(res.Errors, errs...)...); err != nil {
		return Loaded{}, err
	}
	l := Loaded{Reps: len(Reps), Contacts: res.Created + res.Updated + res.Unchanged, NewContacts: res.Created, Events: len(rows)}
	for _, row := range rows {
		ev := row.Event
		at := "" // the engine's now
		if ev.Name == tracks.EventSaleClosed {
			at = now.AddDate(0, 0, -4).UTC().Format(time.RFC3339)
		}
		got, err := store.SendEvent(ctx, crm.System, crm.EventFields{
			Contact: row.Contact, Event: ev.Name, At: at, Track: ev.Track, Amount: crm.Decimal(ev.Amount), Item: ev.Item,
		})
		if err != nil {
			return l, fmt.Errorf("%s:%d: %w", EventsFile, row.Line, err)
		}
		l.Enrolled += len(got.Enrolled)
	}
	return l, nil
}
