package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/sim"
	"github.com/dripline/dripline/tracks"
)

//go:embed demodata/*.csv
var demoData embed.FS

// demoReps are the sample's sales reps, the owners named in demodata/contacts.csv.
var demoReps = []crm.RepFields{
	{Username: "cferguson", Name: "Cory Ferguson", Email: "cory@summit-tech.example", Title: "Account Manager", Phone: "(661) 555-0140",
		Signature: "Cory Ferguson\nAccount Manager, Summit Technology Partners\n(661) 555-0140"},
	{Username: "npoints", Name: "Nick Points", Email: "nick@summit-tech.example", Title: "Channel Sales Executive", Phone: "(661) 555-0141",
		Signature: "Nick Points\nChannel Sales Executive, Summit Technology Partners\n(661) 555-0141"},
	{Username: "jrivas", Name: "Jason Rivas", Email: "jason@summit-tech.example", Title: "Sales Associate", Phone: "(661) 555-0142",
		Signature: "Jason Rivas\nSales Associate, Summit Technology Partners\n(661) 555-0142"},
}

// runDemo is `dripline demo`: simulate a year of the default library for a
// sample of contacts, load the same sample into the database, and serve it.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Bind(fs)
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	cfg.Dev = true
	contacts, _ := demoData.ReadFile("demodata/contacts.csv")
	events, _ := demoData.ReadFile("demodata/events.csv")
	if err := demoSimulation(ctx, cfg, contacts, events, stdout); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	rt, err := openRuntime(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer rt.Close()
	if err := demoLoad(ctx, rt.crm, contacts, events, stdout); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, `
Dripline is running on %[1]s with the sample loaded. Have a look:
  a rep's My Day:         curl -s %[1]s/api/reps/cferguson/myday
  a contact's timeline:   curl -s %[1]s/api/contacts/c-01/timeline
  a contact's touches:    curl -s %[1]s/api/contacts/c-08/touches
  open call tasks:        curl -s '%[1]s/api/activities?status=open'
  emails sent:            ls %[2]s   (the file transport; set SMTP_URL for a real server)
Stop with Ctrl-C.
`, base, cfg.MailDir)
	return serveRuntime(ctx, rt, ln, log)
}

// demoSimulation prints a year of the default library simulated for the sample.
func demoSimulation(ctx context.Context, cfg *config.Config, contactsCSV, eventsCSV []byte, w io.Writer) error {
	lib, set, err := loadLibrary(cfg)
	if err != nil {
		return err
	}
	contacts, errs := csvio.ParseContacts("demodata/contacts.csv", bytes.NewReader(contactsCSV))
	events, errs2 := csvio.ParseEvents("demodata/events.csv", bytes.NewReader(eventsCSV))
	if err := errors.Join(append(errs, errs2...)...); err != nil {
		return err
	}
	from := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	res, err := sim.Run(ctx, sim.Options{
		Library: lib, Templates: set, Business: business(cfg), From: from, Until: from.AddDate(1, 0, 0),
		Contacts: contacts, Events: events, EventFile: "demodata/events.csv",
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "A year of the default library for %d sample contacts and %d events (dripline simulate):\n\n", len(contacts), len(events))
	if err := errors.Join(res.Skipped...); err != nil {
		return err
	}
	return printSummary(w, res.Touches)
}

// demoLoad creates the sample's reps, imports its contacts and sends its
// events as if they happened now (sales four days ago), so their first
// touches fall due today.
func demoLoad(ctx context.Context, store *crm.Service, contactsCSV, eventsCSV []byte, w io.Writer) error {
	for _, r := range demoReps {
		if _, err := store.CreateRep(ctx, crm.System, r); err != nil && !errors.Is(err, engine.ErrConflict) {
			return err
		}
	}
	res, err := store.Import(ctx, crm.System, "demodata/contacts.csv", bytes.NewReader(contactsCSV))
	if err != nil {
		return err
	}
	rows, errs := csvio.ParseEvents("demodata/events.csv", bytes.NewReader(eventsCSV))
	if err := errors.Join(append(res.Errors, errs...)...); err != nil {
		return err
	}
	enrolled := 0
	for _, row := range rows {
		ev := row.Event
		at := "" // now
		if ev.Name == tracks.EventSaleClosed {
			// Sales closed four days ago, so the after-sale check-in calls are due today.
			at = time.Now().AddDate(0, 0, -4).UTC().Format(time.RFC3339)
		}
		got, err := store.SendEvent(ctx, crm.System, crm.EventFields{
			Contact: row.Contact, Event: ev.Name, At: at, Track: ev.Track, Amount: crm.Decimal(ev.Amount), Item: ev.Item,
		})
		if err != nil {
			return fmt.Errorf("demodata/events.csv:%d: %w", row.Line, err)
		}
		enrolled += len(got.Enrolled)
	}
	fmt.Fprintf(w, "\nLoaded %d reps, %d contacts (%d new) and %d events (%d enrollments) into the database.\n",
		len(demoReps), res.Created+res.Updated+res.Unchanged, res.Created, len(rows), enrolled)
	return nil
}
