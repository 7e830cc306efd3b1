package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // zones load the same on every machine, with or without a zone database

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// runTracksValidate is `dripline tracks validate [PATH...]`.
func runTracksValidate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("tracks validate", "[--tracks DIR] [--templates DIR] [PATH...]",
		"Check track files and folders as one library (default: --tracks, else the\nembedded library), with the templates they name. Prints one line per\nproblem to stdout, file:line:col: message, and exits 1; else \"ok: N tracks\".", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Tracks, config.Templates)
	paths, err := f.parse(args)
	if err != nil {
		return err
	}
	var opts tracks.Options
	set, tmplErr := templates.Load(cfg.TemplatesDir)
	if tmplErr == nil {
		opts = engine.LibraryOptions(set)
	}
	var lib *tracks.Library
	if len(paths) > 0 {
		lib, err = tracks.LoadFiles(paths, opts)
	} else {
		lib, err = tracks.DirOrDefault(cfg.TracksDir, opts)
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

// runTracksPlan is `dripline tracks plan FILE|ID --start RFC3339`.
func runTracksPlan(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("tracks plan", "FILE|ID --start RFC3339 [--tz ZONE] [--format text|json]",
		"Print when each touch of one track falls due for a contact enrolled at\n--start. FILE is a track file, checked on its own (its then: is not\nfollowed); ID a track of --tracks or the embedded library. --tz is the\ncontact's zone; without it the window's fallback applies.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Tracks)
	startFlag := f.String("start", "", "when the contact is enrolled, RFC 3339 (required)")
	tz := f.String("tz", "", "the contact's IANA time zone")
	format := f.String("format", "text", "text or json")
	args, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(args) != 1 || *startFlag == "" {
		return f.fail("expected one FILE or track id and --start")
	}
	start, err := time.Parse(time.RFC3339, *startFlag)
	if err != nil {
		return problems(stderr, fmt.Errorf("dripline tracks plan: --start %q: expected an RFC 3339 time such as 2026-01-05T17:00:00Z", *startFlag))
	}
	if _, ok := tracks.LoadZone(*tz); *tz != "" && !ok {
		return problems(stderr, fmt.Errorf("dripline tracks plan: --tz %q: expected an IANA time zone such as America/Los_Angeles", *tz))
	}
	if *format != "text" && *format != "json" {
		return problems(stderr, fmt.Errorf("dripline tracks plan: --format %q: expected text or json", *format))
	}
	t, err := planTrack(args[0], cfg.TracksDir)
	if err != nil {
		return problems(stderr, err)
	}
	plan := t.Plan(start, *tz)
	if *format == "json" {
		b, err := tracks.MarshalPlan(t.ID, plan)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	return tracks.WritePlan(stdout, t, start, *tz, plan)
}

// problems prints each line of err to w and returns exit status 1.
func problems(w io.Writer, err error) error {
	fmt.Fprintln(w, err)
	return exitError{1}
}

// planTrack reads the track file name, or else the track with that id in the
// library of tracksDir.
func planTrack(name, tracksDir string) (*tracks.Track, error) {
	src, err := os.ReadFile(name)
	if err == nil {
		return tracks.Parse(name, src)
	}
	if !errors.Is(err, os.ErrNotExist) || strings.ContainsAny(name, `/\.`) {
		return nil, fmt.Errorf("%s: cannot read: %w", name, errors.Unwrap(err))
	}
	lib, libErr := tracks.DirOrDefault(tracksDir, tracks.Options{})
	if libErr != nil {
		return nil, libErr
	}
	if t, ok := lib.Track(name); ok {
		return t, nil
	}
	return nil, fmt.Errorf("%s: no such file, and no track with that id in the library", name)
}

// runTracksList is `dripline tracks list`.
func runTracksList(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("tracks list", "[--tracks DIR]", "List the tracks of DIR or the embedded library.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Tracks)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return f.fail("expected no arguments; use --tracks DIR")
	}
	lib, err := tracks.DirOrDefault(cfg.TracksDir, tracks.Options{})
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
