package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // zones load the same on every machine, with or without a zone database

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

const tracksUsage = `usage:
  dripline tracks validate [--templates DIR] [PATH...]
      Check track files and folders as one library (default: --tracks, else
      the embedded library), with the templates they name. Prints one line
      per problem to stdout, file:line:col: message, and exits 1; else
      "ok: N tracks".
  dripline tracks plan FILE|ID --start RFC3339 [--tz ZONE] [--format text|json]
      Print when each touch of one track falls due for a contact enrolled at
      --start. FILE is a track file, checked on its own (its then: is not
      followed); ID a track of --tracks or the embedded library. --tz is the
      contact's zone; without it the window's fallback applies.
  dripline tracks list [--tracks DIR]
      List the tracks of DIR or the embedded library.

Every command takes --tracks DIR (env DRIPLINE_TRACKS) and --templates DIR
(env DRIPLINE_TEMPLATES).
`

// runTracks runs `dripline tracks validate|plan|list`.
func runTracks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub := map[string]func(tracksFlags, []string, io.Writer, io.Writer) error{
		"validate": tracksValidate,
		"plan":     tracksPlan,
		"list":     tracksList,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
			fmt.Fprintf(stderr, "dripline tracks: unknown command %q\n", args[0])
		}
		fmt.Fprint(stderr, tracksUsage)
		return exitError{2}
	}
	f := newTracksFlags(args[0], stderr)
	pos, err := parseInterspersed(f.fs, args[1:])
	if err != nil {
		return err
	}
	return sub[args[0]](f, pos, stdout, stderr)
}

// tracksFlags are the flags of every tracks command.
type tracksFlags struct {
	fs        *flag.FlagSet
	tracks    *string
	templates *string
	start     *string
	tz        *string
	format    *string
}

func newTracksFlags(name string, stderr io.Writer) tracksFlags {
	fs := flag.NewFlagSet("dripline tracks "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tracksUsage) }
	return tracksFlags{
		fs:        fs,
		tracks:    fs.String("tracks", os.Getenv("DRIPLINE_TRACKS"), "folder of tracks replacing the embedded library (env DRIPLINE_TRACKS)"),
		templates: fs.String("templates", os.Getenv("DRIPLINE_TEMPLATES"), "folder of templates added to the embedded ones (env DRIPLINE_TEMPLATES)"),
		start:     fs.String("start", "", "plan: when the contact is enrolled, RFC 3339"),
		tz:        fs.String("tz", "", "plan: the contact's IANA time zone"),
		format:    fs.String("format", "text", "plan: text or json"),
	}
}

// library loads --tracks, else the embedded library, with opts.
func (f tracksFlags) library(opts tracks.Options) (*tracks.Library, error) {
	if *f.tracks != "" {
		return tracks.LoadDir(*f.tracks, opts)
	}
	return tracks.Default(opts)
}

// problems prints each line of err to w and returns exit status 1.
func problems(w io.Writer, err error) error {
	fmt.Fprintln(w, err)
	return exitError{1}
}

func tracksValidate(f tracksFlags, paths []string, stdout, _ io.Writer) error {
	var opts tracks.Options
	set, tmplErr := templates.Load(*f.templates)
	if tmplErr == nil {
		opts = engine.LibraryOptions(set)
	}
	var lib *tracks.Library
	var err error
	if len(paths) > 0 {
		lib, err = tracks.LoadFiles(paths, opts)
	} else {
		lib, err = f.library(opts)
	}
	if tmplErr != nil {
		fmt.Fprintln(stdout, tmplErr)
	}
	if err != nil {
		fmt.Fprintln(stdout, err)
	}
	if tmplErr != nil || err != nil {
		return exitError{1}
	}
	fmt.Fprintf(stdout, "ok: %d tracks\n", len(lib.Tracks()))
	return nil
}

func tracksPlan(f tracksFlags, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 || *f.start == "" {
		fmt.Fprintln(stderr, "dripline tracks plan: expected one FILE or track id and --start")
		fmt.Fprint(stderr, tracksUsage)
		return exitError{2}
	}
	start, err := time.Parse(time.RFC3339, *f.start)
	if err != nil {
		return problems(stderr, fmt.Errorf("dripline tracks plan: --start %q: expected an RFC 3339 time such as 2026-01-05T17:00:00Z", *f.start))
	}
	if _, ok := tracks.LoadZone(*f.tz); *f.tz != "" && !ok {
		return problems(stderr, fmt.Errorf("dripline tracks plan: --tz %q: expected an IANA time zone such as America/Los_Angeles", *f.tz))
	}
	if *f.format != "text" && *f.format != "json" {
		return problems(stderr, fmt.Errorf("dripline tracks plan: --format %q: expected text or json", *f.format))
	}
	t, err := f.track(args[0])
	if err != nil {
		return problems(stderr, err)
	}
	plan := t.Plan(start, *f.tz)
	if *f.format == "json" {
		b, err := tracks.MarshalPlan(t.ID, plan)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	return printPlan(stdout, t, start, *f.tz, plan)
}

// track reads the track file name, or else the library track with that id.
func (f tracksFlags) track(name string) (*tracks.Track, error) {
	src, err := os.ReadFile(name)
	if err == nil {
		return tracks.Parse(name, src)
	}
	if !errors.Is(err, os.ErrNotExist) || strings.ContainsAny(name, `/\.`) {
		return nil, fmt.Errorf("%s: cannot read: %w", name, errors.Unwrap(err))
	}
	lib, libErr := f.library(tracks.Options{})
	if libErr != nil {
		return nil, libErr
	}
	if t, ok := lib.Track(name); ok {
		return t, nil
	}
	return nil, fmt.Errorf("%s: no such file, and no track with that id in the library", name)
}

// printPlan prints a plan as a calendar a marketer can read.
func printPlan(w io.Writer, t *tracks.Track, start time.Time, tz string, plan []tracks.PlannedTouch) error {
	loc := t.Location(tz)
	const layout = "Mon 2006-01-02 15:04 MST"
	fmt.Fprintf(w, "%s (%s), enrolled %s; times in %s\n\n", t.Name, t.ID, start.In(loc).Format(layout), loc)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tCHANNEL\tDUE\tDAY")
	for _, p := range plan {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", p.Step, p.Channel, p.Due.In(loc).Format(layout), daysBetween(start.In(loc), p.Due.In(loc)))
	}
	return tw.Flush()
}

// daysBetween counts the calendar days from a's date to b's, both local.
func daysBetween(a, b time.Time) int {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return int(day(b).Sub(day(a)).Hours() / 24)
}

func tracksList(f tracksFlags, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "dripline tracks list: expected no arguments; use --tracks DIR")
		return exitError{2}
	}
	lib, err := f.library(tracks.Options{})
	if err != nil {
		return problems(stderr, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTEPS\tENROLLED BY\tTHEN")
	for _, t := range lib.Tracks() {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", t.ID, t.Kind, len(t.Steps), orDash(strings.Join(t.Enroll.On, ", ")), orDash(t.Then))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
