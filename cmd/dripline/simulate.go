package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/progress"
	"github.com/dripline/dripline/internal/report"
	"github.com/dripline/dripline/internal/sim"
	"github.com/dripline/dripline/tracks"
)

// runSimulate is `dripline simulate`: the real engine over a contacts file and
// an events file on a virtual clock, in memory, sending nothing.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("simulate", "--contacts FILE --events FILE --from RFC3339 --until RFC3339 [--format jsonl|text]",
		"Run the real engine over a contacts CSV and an events CSV on a virtual clock,\nin memory, sending nothing. Bad rows are reported on stderr as file:line:\nmessage (exit status 1); the rest run.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Library, config.Business)
	contactsFile := f.String("contacts", "", "contacts CSV (required)")
	eventsFile := f.String("events", "", "events CSV (required)")
	from := f.String("from", "", "start of the simulation, RFC 3339 (required)")
	until := f.String("until", "", "end of the simulation, RFC 3339 (required)")
	format := f.String("format", "jsonl", "output: jsonl (one touch a line) or text (a summary)")
	quiet := f.Bool("quiet", false, "draw no progress line on stderr (none is drawn when stderr is not a terminal)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return f.fail(fmt.Sprintf("unexpected argument %q", pos[0]))
	}
	if *contactsFile == "" || *eventsFile == "" || *from == "" || *until == "" {
		return f.fail("--contacts, --events, --from and --until are required")
	}
	if *format != "jsonl" && *format != "text" {
		return f.fail("--format must be jsonl or text")
	}
	start, err := parseTime("--from", *from)
	if err != nil {
		return err
	}
	end, err := parseTime("--until", *until)
	if err != nil {
		return err
	}
	lib, set, err := engine.ReadLibrary(cfg.TracksDir, cfg.TemplatesDir)
	if err != nil {
		return err
	}
	contacts, badContacts, err := readCSV(*contactsFile, csvio.ParseContacts)
	if err != nil {
		return err
	}
	events, badEvents, err := readCSV(*eventsFile, csvio.ParseEvents)
	if err != nil {
		return err
	}
	defer sim.TuneGC()()
	res, err := sim.Run(ctx, sim.Options{
		Library: lib, Templates: set, Business: cfg.Business(),
		From: start, Until: end, Contacts: contacts, Events: events, EventFile: *eventsFile,
		Progress: progress.ForTerminal(stderr, *quiet, sim.Days(start, end), progress.Items,
			progress.Options{Label: "simulate", Noun: "days"}),
	})
	if err != nil {
		return err
	}
	bad := slices.Concat(badContacts, badEvents, res.Skipped)
	for _, e := range bad {
		fmt.Fprintln(stderr, e)
	}
	if *format == "text" {
		err = printSummary(stdout, res.Touches)
	} else {
		err = printJSONL(stdout, res.Touches)
	}
	if err == nil && len(bad) > 0 {
		err = exitError{1} // the rest ran; the bad rows were reported above
	}
	return err
}

// readCSV parses a CSV file into its good rows and one file:line: message
// error per bad row, which imports nothing from that row.
func readCSV[T any](path string, parse func(string, io.Reader) ([]T, []error)) ([]T, []error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, bad := parse(path, f)
	return rows, bad, nil
}

func parseTime(flagName, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want an RFC 3339 time such as 2026-01-05T09:00:00Z", flagName, v)
	}
	return t, nil
}

// printJSONL prints values (touches, letter counts) one JSON object a line.
func printJSONL[T any](w io.Writer, vs []T) error {
	enc := json.NewEncoder(w)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

// printSummary prints touches per track and registered channel, then per outcome.
func printSummary(w io.Writer, touches []report.Touch) error {
	perTrack := map[string]map[string]int{}
	outcomes := map[string]int{}
	for _, t := range touches {
		if perTrack[t.Track] == nil {
			perTrack[t.Track] = map[string]int{}
		}
		perTrack[t.Track][t.Channel]++
		outcomes[t.Outcome]++
	}
	channels := tracks.Channels()
	fmt.Fprintf(w, "%-28s", "TRACK")
	for _, ch := range channels {
		fmt.Fprintf(w, " %6s", ch.Name)
	}
	fmt.Fprintln(w)
	for _, id := range sortedKeys(perTrack) {
		fmt.Fprintf(w, "%-28s", id)
		for _, ch := range channels {
			fmt.Fprintf(w, " %6d", perTrack[id][string(ch.Name)])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%d touches:", len(touches))
	for _, o := range sortedKeys(outcomes) {
		fmt.Fprintf(w, " %s %d", o, outcomes[o])
	}
	_, err := fmt.Fprintln(w)
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
