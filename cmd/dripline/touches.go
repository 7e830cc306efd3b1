package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/report"
)

// runTouches is `dripline touches --contact ID [--format jsonl|text]`: a
// contact's touches from the database, in the JSON shape simulate prints,
// with outcome pending for those not carried out yet. It only reads.
func runTouches(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("touches", "--contact ID [--format jsonl|text]",
		"Print a contact's touches from the database, in the JSON shape simulate\nprints, with outcome pending for those not carried out yet. Reads only.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	contact := f.String("contact", "", "the contact: an external_id, an email or an id (required)")
	format := f.String("format", "jsonl", "output: jsonl (one touch a line) or text (a table)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case *contact == "":
		return f.fail("--contact is required")
	case *format != "jsonl" && *format != "text":
		return f.fail("--format must be jsonl or text")
	case len(pos) > 0:
		return f.fail("unexpected argument " + pos[0])
	}
	rt, err := openCRM(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	touches, err := rt.crm.Touches(ctx, crm.System, *contact)
	if err != nil {
		return err
	}
	if *format == "text" {
		return printTouchTable(stdout, touches)
	}
	return printJSONL(stdout, touches)
}

// printTouchTable prints touches as an aligned table.
func printTouchTable(w io.Writer, touches []report.Touch) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE\tTRACK\tSTEP\tCHANNEL\tOUTCOME\tREASON")
	for _, t := range touches {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Due, t.Track, t.Step, t.Channel, t.Outcome, t.Reason)
	}
	return tw.Flush()
}
