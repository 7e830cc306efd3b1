package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio"
)

// importer is one of the CRM store's CSV imports.
type importer func(s *crm.Service, ctx context.Context, a crm.Actor, file string, r io.Reader) (crm.ImportResult, error)

// runContacts is `dripline contacts import FILE`.
func runContacts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runImport(ctx, "contacts", args, stdout, stderr, (*crm.Service).Import)
}

// runEvents is `dripline events import FILE`.
func runEvents(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runImport(ctx, "events", args, stdout, stderr, (*crm.Service).ImportEvents)
}

// runImport writes a CSV file into the database at DATABASE_URL the way the
// HTTP API's import does: bad rows are printed to stderr as file:line:
// message, the rest go in, a summary goes to stdout, and the exit status is 1
// when any row was bad.
func runImport(ctx context.Context, what string, args []string, stdout, stderr io.Writer, run importer) error {
	fs := flag.NewFlagSet(what+" import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: dripline %s import [flags] FILE\n", what)
		fs.PrintDefaults()
	}
	cfg := config.Bind(fs)
	if len(args) == 0 || args[0] != "import" {
		return usageError(fs, "the only subcommand is import")
	}
	files, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError(fs, "name one CSV file")
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rt, err := openRuntime(ctx, cfg, quietLogger(stderr), false)
	if err != nil {
		return err
	}
	defer rt.Close()
	res, err := run(rt.crm, ctx, crm.System, files[0], f)
	for _, e := range res.Errors {
		fmt.Fprintln(stderr, e)
	}
	if err != nil {
		return err
	}
	printImport(stdout, what, files[0], res)
	if len(res.Errors) > 0 {
		return exitError{1}
	}
	return nil
}

// printImport prints what an import did on one line.
func printImport(w io.Writer, what, file string, res crm.ImportResult) {
	if what == "contacts" {
		fmt.Fprintf(w, "%s: %d created, %d updated, %d unchanged, %d bad rows; %d events, %d enrollments\n",
			file, res.Created, res.Updated, res.Unchanged, csvio.Count(res.Errors), res.Events, res.Enrolled)
		return
	}
	fmt.Fprintf(w, "%s: %d events, %d enrollments, %d exits, %d bad rows\n",
		file, res.Events, res.Enrolled, res.Exited, csvio.Count(res.Errors))
}
