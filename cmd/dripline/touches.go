package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/report"
)

// runTouches is `dripline touches --contact ID [--format jsonl|text]`: a
// contact's touches from the database, in the JSON shape simulate prints,
// with outcome pending for those not carried out yet.
func runTouches(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("touches", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Bind(fs)
	contact := fs.String("contact", "", "the contact: an external_id, an email or an id (required)")
	format := fs.String("format", "jsonl", "output: jsonl (one touch a line) or text (a table)")
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	switch {
	case *contact == "":
		return usageError(fs, "--contact is required")
	case *format != "jsonl" && *format != "text":
		return usageError(fs, "--format must be jsonl or text")
	case fs.NArg() > 0:
		return usageError(fs, "unexpected argument "+fs.Arg(0))
	}
	rt, err := openRuntime(ctx, cfg, quietLogger(stderr), false)
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
