package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
)

// runSuppressionsList is `dripline suppressions list [--reason R]
// [--format text|json]`: every address suppressed now. It only reads.
func runSuppressionsList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("suppressions list", "[--reason unsubscribe|hard_bounce|complaint] [--format text|json]",
		"List the addresses no email goes to now. Reads only.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	reason := f.String("reason", "", "only this reason: unsubscribe, hard_bounce or complaint")
	format := f.String("format", "text", "text (a table) or json (one object a line)")
	pos, err := f.parse(args)
	switch {
	case err != nil:
		return err
	case len(pos) > 0:
		return f.fail("unexpected argument " + pos[0])
	case *format != "text" && *format != "json":
		return f.fail("--format must be text or json")
	}
	rt, err := openCRM(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	enc := json.NewEncoder(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	if *format == "text" {
		fmt.Fprintln(tw, "EMAIL\tREASON\tSINCE\tDETAIL")
	}
	q := crm.SuppressionFilter{Reason: *reason, Limit: 1000}
	for {
		page, err := rt.crm.Suppressions(ctx, crm.System, q)
		if err != nil {
			return err
		}
		for _, s := range page {
			if *format == "json" {
				if err := enc.Encode(s); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Email, s.Reason, s.At.Format(time.RFC3339), s.Detail)
		}
		if len(page) < q.Limit {
			return tw.Flush()
		}
		q.After = page[len(page)-1].Email
	}
}

// runSuppressionsShow is `dripline suppressions show EMAIL`: whether the
// address is suppressed now, and its history. It only reads.
func runSuppressionsShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("suppressions show", "EMAIL",
		"Show whether an address is suppressed now, and every suppression and lift\nof it, with who and why. Reads only.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return f.fail("name one email address")
	}
	rt, err := openCRM(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	rec, err := rt.crm.Suppression(ctx, crm.System, pos[0])
	if err != nil {
		return err
	}
	return printSuppression(stdout, rec)
}

// runSuppressionsLift is `dripline suppressions lift EMAIL --reason TEXT
// [--by USERNAME]`.
func runSuppressionsLift(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("suppressions lift", "EMAIL --reason TEXT [--by USERNAME]",
		"Take an address off the suppression list, so email touches go to it again.\nThe lift, its reason and who lifted it stay in the address's history.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	reason := f.String("reason", "", "why the address may be emailed again (required)")
	by := f.String("by", "", "the admin or manager lifting it, recorded as such (default: system)")
	pos, err := f.parse(args)
	switch {
	case err != nil:
		return err
	case len(pos) != 1:
		return f.fail("name one email address")
	case *reason == "":
		return f.fail("--reason is required")
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	who := crm.System
	if *by != "" {
		if who, err = rt.crm.ActorFor(ctx, "--by", *by); err != nil {
			return err
		}
	}
	rec, err := rt.crm.LiftSuppression(ctx, who, pos[0], *reason)
	if err != nil {
		return err
	}
	return printSuppression(stdout, rec)
}

// printSuppression prints an address's state and history.
func printSuppression(w io.Writer, rec crm.SuppressionRecord) error {
	if rec.Suppressed != nil {
		fmt.Fprintf(w, "%s: suppressed (%s) since %s\n", rec.Email, rec.Suppressed.Reason, rec.Suppressed.At.Format(time.RFC3339))
	} else {
		fmt.Fprintf(w, "%s: not suppressed, email goes to it\n", rec.Email)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tACTION\tREASON\tBY\tDETAIL")
	for _, e := range rec.History {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), e.Action, e.Reason, e.By, e.Detail)
	}
	return tw.Flush()
}
