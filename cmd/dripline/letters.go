package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
)

// lettersCmd is one `dripline letters SUB` subcommand: its usage line, and
// run with the parsed flags' positional arguments.
type lettersCmd struct {
	usage string
	flags func(fs *flag.FlagSet) func(ctx context.Context, l *crm.Letters, pos []string, stdout io.Writer) error
	// mail says the subcommand sends email and needs a mailer.
	mail bool
}

func lettersCmds() map[string]lettersCmd {
	return map[string]lettersCmd{
		"list":       {"list [--format text|json]", listLetters, false},
		"print":      {"print KIND|--all [--out FILE] [--before RFC3339]", printLetters, false},
		"batches":    {"batches [--format text|json]", listBatches, false},
		"reprint":    {"reprint BATCH [--out FILE]", reprintBatch, false},
		"purge":      {"purge KIND --reason TEXT", purgeLetters, false},
		"email":      {"email KIND", emailLetters, true},
		"unmailable": {"unmailable [KIND] [--format text|json]", listUnmailable, false},
	}
}

// runLetters is `dripline letters list|print|batches|reprint|purge|email|unmailable`:
// the managers' pile of printed letters.
func runLetters(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmds := lettersCmds()
	name := ""
	if len(args) > 0 {
		name = args[0]
	}
	sub, ok := cmds[name]
	if !ok {
		fmt.Fprintln(stderr, "usage: dripline letters list|print|batches|reprint|purge|email|unmailable [flags]")
		return exitError{2}
	}
	fs := flag.NewFlagSet("letters "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dripline letters "+sub.usage)
		fs.PrintDefaults()
	}
	cfg := config.Bind(fs)
	run := sub.flags(fs)
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if err := run(ctx, nil, pos, nil); err != nil {
		return usageError(fs, err.Error())
	}
	rt, err := openRuntime(ctx, cfg, quietLogger(stderr), false)
	if err != nil {
		return err
	}
	defer rt.Close()
	l := rt.letters
	if sub.mail {
		if l, err = rt.openLetters(true); err != nil {
			return err
		}
	}
	return run(ctx, l, pos, stdout)
}

// Each subcommand's flags func binds its flags and returns its run func.
// Called with a nil service it only checks the arguments, so usage errors
// come before any connection is made.

func listLetters(fs *flag.FlagSet) func(context.Context, *crm.Letters, []string, io.Writer) error {
	format := formatFlag(fs)
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		if err := checkArgs(pos, 0, 0, *format); err != nil || l == nil {
			return err
		}
		cs, err := l.List(ctx, crm.System)
		if err != nil {
			return err
		}
		kinds := crm.KindCounts(cs)
		if *format == "json" {
			return printJSONL(w, kinds)
		}
		if len(kinds) == 0 {
			_, err := fmt.Fprintln(w, "no letters waiting")
			return err
		}
		return table(w, "KIND\tPENDING\tUNMAILABLE\tOLDEST", kinds, func(k crm.KindCount) []any {
			return []any{k.Kind, k.Pending, k.Unmailable, k.Oldest}
		})
	}
}

func printLetters(fs *flag.FlagSet) func(context.Context, *crm.Letters, []string, io.Writer) error {
	all := fs.Bool("all", false, "print the letters of every kind")
	out := fs.String("out", "", "the PDF to write (default ./letters-BATCH.pdf)")
	before := fs.String("before", "", "only letters filed before this RFC 3339 time")
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		req := crm.PrintRequest{All: *all, File: *out}
		if len(pos) > 1 || *all == (len(pos) == 1) {
			return fmt.Errorf("name one KIND of letters, or --all")
		}
		if len(pos) == 1 {
			req.Kind = pos[0]
		}
		if *before != "" {
			t, err := parseTime("--before", *before)
			if err != nil {
				return err
			}
			req.Before = t
		}
		if l == nil {
			return nil
		}
		b, err := l.Print(ctx, crm.System, req)
		if err != nil {
			return err
		}
		if b.ID == 0 {
			_, err = fmt.Fprintln(w, "no letters waiting to print")
			return err
		}
		_, err = fmt.Fprintf(w, "batch %d: %d letters, %d pages, %s\n", b.ID, b.Letters, b.Pages, b.File)
		return err
	}
}

func listBatches(fs *flag.FlagSet) func(context.Context, *crm.Letters, []string, io.Writer) error {
	format := formatFlag(fs)
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		if err := checkArgs(pos, 0, 0, *format); err != nil || l == nil {
			return err
		}
		bs, err := l.Batches(ctx, crm.System)
		if err != nil {
			return err
		}
		views := make([]crm.Batch, len(bs))
		for i, b := range bs {
			views[i] = crm.BatchOf(b)
		}
		if *format == "json" {
			return printJSONL(w, views)
		}
		return table(w, "BATCH\tPRINTED\tBY\tKIND\tLETTERS\tPAGES\tFILE", views, func(b crm.Batch) []any {
			kind := b.Kind
			if kind == "" {
				kind = "(all)"
			}
			return []any{b.ID, b.CreatedAt, b.PrintedBy, kind, b.Letters, b.Pages, b.File}
		})
	}
}

func reprintBatch(fs *flag.FlagSet) func(context.Context, *crm.Letters, []string, io.Writer) error {
	out := fs.String("out", "", "the PDF to write (default ./letters-BATCH.pdf)")
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		if len(pos) != 1 {
			return fmt.Errorf("name one BATCH number")
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("batch %q: want a batch number (dripline letters batches lists them)", pos[0])
		}
		if l == nil {
			return nil
		}
		file := *out
		if file == "" {
			file = fmt.Sprintf("./letters-%d.pdf", id)
		}
		b, err := l.ReprintFile(ctx, crm.System, id, file)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "batch %d: %d letters, %d pages, %s\n", b.ID, b.Letters, b.Pages, b.File)
		return err
	}
}

func purgeLetters(fs *flag.FlagSet) func(context.Context, *crm.Letters, []string, io.Writer) error {
	reason := fs.String("reason", "", "why the letters are discarded (required)")
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		switch {
		case len(pos) != 1:
			return fmt.Errorf("name one KIND of letters")
		case *reason == "":
			return fmt.Errorf("--reason is required")
		case l == nil:
			return nil
		}
		n, err := l.Purge(ctx, crm.System, pos[0], *reason)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s: %d letters purged\n", pos[0], n)
		return err
	}
}

func emailLetters(fs *flag.FlagSet) func(context.Context, *crm.Letters, []string, io.Writer) error {
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		if len(pos) != 1 {
			return fmt.Errorf("name one KIND of letters")
		}
		if l == nil {
			return nil
		}
		n, err := l.Email(ctx, crm.System, pos[0])
		fmt.Fprintf(w, "%s: %d letters emailed\n", pos[0], n)
		return err
	}
}

func listUnmailable(fs *flag.FlagSet) func(context.Context, *crm.Letters, []string, io.Writer) error {
	format := formatFlag(fs)
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		if err := checkArgs(pos, 0, 1, *format); err != nil || l == nil {
			return err
		}
		kind := ""
		if len(pos) == 1 {
			kind = pos[0]
		}
		ls, err := l.Unmailable(ctx, crm.System, kind)
		if err != nil {
			return err
		}
		views := crm.UnmailableOf(ls)
		if *format == "json" {
			return printJSONL(w, views)
		}
		return table(w, "LETTER\tKIND\tCONTACT\tNAME\tFILED\tREASON", views, func(u crm.UnmailableLetter) []any {
			return []any{u.ID, u.Kind, u.Contact, u.Name, u.Filed, u.Reason}
		})
	}
}

// formatFlag binds --format text|json.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "text", "output: text (a table) or json (one object a line)")
}

// checkArgs checks the number of positional arguments and the format.
func checkArgs(pos []string, lo, hi int, format string) error {
	switch {
	case len(pos) < lo || len(pos) > hi:
		return fmt.Errorf("unexpected arguments %q", pos)
	case format != "text" && format != "json":
		return fmt.Errorf("--format must be text or json")
	}
	return nil
}

// table writes rows under a tab-separated header, aligned.
func table[T any](w io.Writer, header string, rows []T, cells func(T) []any) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		for i, c := range cells(r) {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, c)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
