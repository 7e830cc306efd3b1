package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/progress"
)

// importer is one of the CRM store's CSV imports.
type importer func(s *crm.Service, ctx context.Context, a crm.Actor, file string, r io.Reader) (crm.ImportResult, error)

// csvImport is one CSV import command: what it imports, the import and how
// its result reads.
type csvImport struct {
	what   string // contacts | events
	run    importer
	report func(w io.Writer, file string, res crm.ImportResult)
}

var (
	contactsImport = csvImport{"contacts", (*crm.Service).Import, func(w io.Writer, file string, res crm.ImportResult) {
		fmt.Fprintf(w, "%s: %d created, %d updated, %d unchanged, %d bad rows; %d events, %d enrollments\n",
			file, res.Created, res.Updated, res.Unchanged, csvio.Count(res.Errors), res.Events, res.Enrolled)
	}}
	eventsImport = csvImport{"events", (*crm.Service).ImportEvents, func(w io.Writer, file string, res crm.ImportResult) {
		fmt.Fprintf(w, "%s: %d events, %d enrollments, %d exits, %d bad rows\n",
			file, res.Events, res.Enrolled, res.Exited, csvio.Count(res.Errors))
	}}
)

// runContactsImport is `dripline contacts import FILE`.
func runContactsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return contactsImport.command(ctx, args, stdout, stderr)
}

// runEventsImport is `dripline events import FILE`.
func runEventsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return eventsImport.command(ctx, args, stdout, stderr)
}

// command writes a CSV file into the database at DATABASE_URL.
func (imp csvImport) command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(imp.what+" import", "[flags] FILE",
		"Write a "+imp.what+" CSV into the database the way the HTTP API's import does:\nbad rows are printed to stderr as file:line: message (exit status 1), the\nrest go in, and a summary goes to stdout.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database, config.Library)
	quiet := f.Bool("quiet", false, "draw no progress line on stderr (none is drawn when stderr is not a terminal)")
	files, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return f.fail("name one CSV file")
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	return imp.file(ctx, rt, files[0], *quiet, stdout, stderr)
}

// file imports one CSV file through rt's CRM store: bad rows go to stderr,
// the summary to stdout, and any bad row makes exit status 1. On a terminal,
// unless quiet, stderr shows how much of the file is in while it runs.
func (imp csvImport) file(ctx context.Context, rt *runtime, file string, quiet bool, stdout, stderr io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	bar := progress.ForTerminal(stderr, quiet, size, progress.Bytes, progress.Options{Label: file})
	res, err := imp.run(rt.crm, ctx, crm.System, file, bar.Reader(f))
	bar.Finish()
	for _, e := range res.Errors {
		fmt.Fprintln(stderr, e)
	}
	if err != nil {
		return err
	}
	imp.report(stdout, file, res)
	if len(res.Errors) > 0 {
		return exitError{1}
	}
	return nil
}
