package main

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/report"
)

// runReports is `dripline reports NAME [--from RFC3339] [--until RFC3339]
// [--tz ZONE] [--format text|csv|json]`: one of the managers' reports from
// the database, every rep's rows. It only reads.
func runReports(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	names := strings.Join(crm.ReportNames(), "|")
	f := newFlags("reports", names+" [--from RFC3339] [--until RFC3339] [--tz ZONE] [--format text|csv|json]",
		"Print a report: activity points against quota (points), leads, wins, revenue and\n"+
			"ROI by lead source and campaign (sources), open opportunities by stage\n"+
			"(pipeline), leads per rep and day (traffic), activities due today and overdue\n"+
			"(followups), calls, tasks and letters scheduled per rep and ISO week (forecast),\n"+
			"and each track's steps by outcome (tracks). Reads only.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database, config.Library, config.Reports)
	from := f.String("from", "", "start of the period, RFC 3339 (default: the report's own; see README)")
	until := f.String("until", "", "end of the period, RFC 3339, exclusive")
	tz := f.String("tz", "", "IANA time zone days, months and weeks are counted in (default UTC)")
	format := f.String("format", report.FormatText, "output: text, csv or json (one object a line)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return f.fail("name one report: " + names)
	}
	if err := report.CheckFormat(*format); err != nil {
		return f.fail("--format " + err.Error())
	}
	q := crm.ReportQuery{TimeZone: *tz}
	if q.From, err = optionalTime("--from", *from); err != nil {
		return f.fail(err.Error())
	}
	if q.Until, err = optionalTime("--until", *until); err != nil {
		return f.fail(err.Error())
	}
	rt, err := openCRM(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	t, err := rt.reports.Report(ctx, crm.System, pos[0], q)
	if err != nil {
		return err
	}
	return t.Write(stdout, *format)
}

// optionalTime parses an RFC 3339 flag value; "" is the zero time.
func optionalTime(flagName, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return parseTime(flagName, v)
}
