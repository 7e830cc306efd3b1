package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/demo"
	"github.com/dripline/dripline/internal/sim"
)

// The demo's web logins: its sales manager and one of its reps share a
// password anyone reading this may know; the demo is for a laptop.
const (
	demoRep      = "cferguson"
	demoPassword = "dripline-demo"
)

// runDemo is `dripline demo`: simulate a year of the default library for a
// sample of contacts, load the same sample into the database, and serve it.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("demo", "[flags]", "Simulate a year of the track library for a sample of reps, contacts and\nevents, load the same sample into the database, and serve it.", stdout, stderr)
	cfg := config.Bind(f.FlagSet)
	if err := f.parseNone(args); err != nil {
		return err
	}
	cfg.Dev = true
	if err := demoSimulation(ctx, cfg, stdout); err != nil {
		return err
	}
	srv, err := NewServer(ctx, cfg, ServerOptions{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		return err
	}
	defer srv.Close()
	l, err := demo.Load(ctx, srv.rt.crm, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nLoaded %d reps, %d contacts (%d new) and %d events (%d enrollments) into the database.\n",
		l.Reps, l.Contacts, l.NewContacts, l.Events, l.Enrolled)
	token, _, err := srv.rt.crm.IssueToken(ctx, crm.System, demo.Manager, "demo")
	if err != nil {
		return err
	}
	for _, rep := range []string{demo.Manager, demoRep} {
		if err := srv.rt.crm.SetPassword(ctx, crm.System, rep, demoPassword); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, `
Dripline is running on %[1]s with the sample loaded.
In a browser: %[1]s/login as %[3]s (sales manager) or %[5]s (sales rep),
password %[6]s.
Every API request carries a token; this one is the sales manager %[3]s's:
  export DRIPLINE_TOKEN=%[4]s
Have a look:
  a rep's My Day:         curl -s -H "Authorization: Bearer $DRIPLINE_TOKEN" %[1]s/api/reps/cferguson/myday
  a contact's timeline:   curl -s -H "Authorization: Bearer $DRIPLINE_TOKEN" %[1]s/api/contacts/c-01/timeline
  a contact's touches:    curl -s -H "Authorization: Bearer $DRIPLINE_TOKEN" %[1]s/api/contacts/c-08/touches
  open call tasks:        curl -s -H "Authorization: Bearer $DRIPLINE_TOKEN" '%[1]s/api/activities?status=open'
  emails sent:            ls %[2]s   (the file transport; set SMTP_URL for a real server)
  letters to print:       dripline letters list, then dripline letters print --all (or the Letters page)
A rep's own token: dripline users token cferguson. Stop with Ctrl-C.
`, srv.URL(), cfg.MailDir, demo.Manager, token, demoRep, demoPassword)
	return srv.Run(ctx)
}

// demoSimulation prints a year of the default library simulated for the sample.
func demoSimulation(ctx context.Context, cfg *config.Config, w io.Writer) error {
	lib, set, err := engine.ReadLibrary(cfg.TracksDir, cfg.TemplatesDir)
	if err != nil {
		return err
	}
	contacts, errs := csvio.ParseContacts(demo.ContactsFile, bytes.NewReader(demo.Contacts()))
	events, errs2 := csvio.ParseEvents(demo.EventsFile, bytes.NewReader(demo.Events()))
	if err := errors.Join(append(errs, errs2...)...); err != nil {
		return err
	}
	from := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	res, err := sim.Run(ctx, sim.Options{
		Library: lib, Templates: set, Business: cfg.Business(), From: from, Until: from.AddDate(1, 0, 0),
		Contacts: contacts, Events: events, EventFile: demo.EventsFile,
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
