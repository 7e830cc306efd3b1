package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/progress"
)

// letterCmd is one `dripline letters NAME`. flags binds its own flags and
// returns what it does; called with a nil service that only checks the
// arguments, so a usage mistake is reported before any connection is made.
type letterCmd struct {
	name, summary, synopsis, about string
	flags                          func(f *flags) letterRun
	mail                           bool // it sends email: binds the email settings, connects a mailer
}

// letterRun runs a letters subcommand on the service l with its positional
// arguments, writing to w; a nil l only checks them.
type letterRun func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error

// lettersCommands are the subcommands of `dripline letters`: the managers'
// pile of printed letters.
func lettersCommands() []command {
	cmds := []letterCmd{
		{"list", "letters waiting, by kind", "[--format text|json]",
			"Count the letters waiting to be printed, by kind: pending (ready to print),\nunmailable (no usable postal address) and when the oldest was filed.", listLetters, false},
		{"print", "print the waiting letters of a kind as one PDF", "KIND|--all [--out FILE] [--before RFC3339]",
			"Print the waiting letters of KIND (or every kind) as one PDF: the letters,\nthen a #10 envelope per letter, then Avery 5160 label sheets; the letters are\nmarked printed with the batch. Nothing waiting: says so and writes no file.", printLetters, false},
		{"batches", "list the printed batches", "[--format text|json]", "List the printed batches, newest first.", listBatches, false},
		{"reprint", "render a batch again", "BATCH [--out FILE]",
			"Render a printed batch again (a jammed printer), changing nothing.", reprintBatch, false},
		{"purge", "discard the waiting letters of a kind", "KIND --reason TEXT",
			"Discard the waiting letters of KIND; their activities are canceled with the reason.", purgeLetters, false},
		{"email", "email the waiting letters of a kind instead", "KIND",
			"Send the waiting letters of KIND as emails (the letter's text as the body) to\nthe contacts with an email address that may be written to; the others stay\nwaiting. Mail goes out as the daemon's does: through SMTP_URL, else as .eml\nfiles in DRIPLINE_MAIL_DIR.", emailLetters, true},
		{"unmailable", "letters without a usable postal address", "[KIND] [--format text|json]",
			"List the waiting letters whose contact has no usable postal address, with\nwhat is missing.", listUnmailable, false},
	}
	out := make([]command, len(cmds))
	for i, c := range cmds {
		out[i] = command{name: c.name, summary: c.summary, run: c.run}
	}
	return out
}

// run parses the subcommand's flags, checks its arguments, opens the
// database and runs it.
func (c letterCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("letters "+c.name, c.synopsis, c.about, stdout, stderr)
	groups := []config.Group{config.Database, config.Library, config.Business, config.Letters}
	if c.mail {
		groups = append(groups, config.Email)
	}
	cfg := config.Bind(f.FlagSet, groups...)
	do := c.flags(f)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := do(ctx, nil, pos, nil); err != nil {
		return f.fail(err.Error())
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	l, err := rt.openLetters(nil, c.mail)
	if err != nil {
		return err
	}
	return do(ctx, l, pos, stdout)
}

// Each subcommand's flags func binds its flags and returns its run func.
// Called with a nil service it only checks the arguments, so usage errors
// come before any connection is made.

func listLetters(f *flags) letterRun {
	format := formatFlag(f)
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
		pending, unmailable := 0, 0
		for _, k := range kinds {
			pending, unmailable = pending+k.Pending, unmailable+k.Unmailable
		}
		return table(w, "KIND\tPENDING\tUNMAILABLE\tOLDEST", kinds, func(k crm.KindCount) []any {
			return []any{k.Kind, k.Pending, k.Unmailable, readableTime(k.Oldest)}
		}, []any{"total", pending, unmailable, ""})
	}
}

func printLetters(f *flags) letterRun {
	all := f.Bool("all", false, "print the letters of every kind")
	out := f.String("out", "", "the PDF to write (default ./letters-BATCH.pdf)")
	before := f.String("before", "", "only letters filed before this RFC 3339 time")
	quiet := f.Bool("quiet", false, "draw no progress line on stderr (none is drawn when stderr is not a terminal)")
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
		var bar *progress.Bar
		if !*quiet && progress.IsTerminal(f.Output()) {
			req.Progress = renderProgress(f.Output(), &bar)
		}
		b, err := l.Print(ctx, crm.System, req)
		bar.Finish()
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

// renderProgress returns a Progress hook drawing on w: the bar, started at
// the first call once the batch's size is known, is put in *bar for the
// caller to finish.
func renderProgress(w io.Writer, bar **progress.Bar) func(done, total int) {
	last := 0
	return func(done, total int) {
		if *bar == nil {
			*bar = progress.New(w, int64(total), progress.Items, progress.Options{Label: "print", Noun: "pieces"})
		}
		(*bar).Add(int64(done - last))
		last = done
	}
}

func listBatches(f *flags) letterRun {
	format := formatFlag(f)
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
		if len(views) == 0 {
			_, err := fmt.Fprintln(w, "no batches printed yet")
			return err
		}
		return table(w, "BATCH\tPRINTED\tBY\tKIND\tLETTERS\tPAGES\tFILE", views, func(b crm.Batch) []any {
			kind := b.Kind
			if kind == "" {
				kind = "(all)"
			}
			return []any{b.ID, readableTime(b.CreatedAt), b.PrintedBy, kind, b.Letters, b.Pages, b.File}
		})
	}
}

func reprintBatch(f *flags) letterRun {
	out := f.String("out", "", "the PDF to write (default ./letters-BATCH.pdf)")
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

func purgeLetters(f *flags) letterRun {
	reason := f.String("reason", "", "why the letters are discarded (required)")
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
		_, err = fmt.Fprintf(w, "%s: %s purged\n", pos[0], countLetters(n))
		return err
	}
}

func emailLetters(f *flags) letterRun {
	return func(ctx context.Context, l *crm.Letters, pos []string, w io.Writer) error {
		if len(pos) != 1 {
			return fmt.Errorf("name one KIND of letters")
		}
		if l == nil {
			return nil
		}
		n, err := l.Email(ctx, crm.System, pos[0])
		fmt.Fprintf(w, "%s: %s emailed\n", pos[0], countLetters(n))
		return err
	}
}

func listUnmailable(f *flags) letterRun {
	format := formatFlag(f)
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
		if len(views) == 0 {
			_, err := fmt.Fprintln(w, "no unmailable letters")
			return err
		}
		return table(w, "LETTER\tKIND\tCONTACT\tNAME\tFILED\tREASON", views, func(u crm.UnmailableLetter) []any {
			return []any{u.ID, u.Kind, u.Contact, u.Name, readableTime(u.Filed), u.Reason}
		})
	}
}

// formatFlag binds --format text|json.
func formatFlag(f *flags) *string {
	return f.String("format", "text", "output: text (a table) or json (one object a line)")
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
