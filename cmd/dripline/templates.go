package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/letters"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

const previewAbout = `Render the email or letter template NAME as it would be sent, through the
email channel (sender, recipient, footer, unsubscribe link) or the letter
channel. --sample uses built-in sample data and needs no database; --contact
REF (an external_id, an email or an id) reads the contact and its owner rep
from DATABASE_URL, reading only. --format text (default) prints From, To and
Subject, the plain-text part and, after "--- html ---", the HTML part;
--format eml prints the whole MIME message of an email, with touch id 0 in
its Message-ID. When NAME is both an email and a letter the email is shown,
unless --kind letter.`

// runTemplatesPreview is `dripline templates preview NAME`.
func runTemplatesPreview(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("templates preview", "NAME (--contact REF | --sample) [--format text|eml] [--kind email|letter]", previewAbout, stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Templates, config.Email, config.Business, config.Database)
	contact := f.String("contact", "", "the contact, an external_id, an email or an id")
	sample := f.Bool("sample", false, "use the built-in sample contact, rep and business")
	format := f.String("format", "text", "text or eml")
	kindFlag := f.String("kind", "", "email or letter, when NAME is both")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return f.fail("name one template")
	case (*contact == "") == !*sample:
		return f.fail("give either --contact REF or --sample")
	case *format != "text" && *format != "eml":
		return f.fail("--format must be text or eml")
	case *kindFlag != "" && *kindFlag != string(templates.KindEmail) && *kindFlag != string(templates.KindLetter):
		return f.fail("--kind must be email or letter")
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	name := pos[0]
	set, err := templates.Load(cfg.TemplatesDir)
	if err != nil {
		return err
	}
	kind, both, err := set.Resolve(name, templates.Kind(*kindFlag))
	if nf, ok := errors.AsType[*templates.NotFoundError](err); ok && len(nf.Close) == 0 {
		return fmt.Errorf("%w; dripline templates list shows them all", err)
	} else if err != nil {
		return err
	}
	if both {
		fmt.Fprintf(stderr, "dripline templates preview: %s is both an email and a letter; showing the email (--kind letter shows the letter)\n", name)
	}
	if kind == templates.KindLetter && *format == "eml" {
		return fmt.Errorf("%s is a letter: --format eml is for emails", name)
	}
	d := engine.SampleDispatch()
	if !*sample {
		if d, err = contactDispatch(ctx, cfg, *contact, stderr); err != nil {
			return err
		}
	}
	d.Step = tracks.Step{ID: d.Step.ID, Channel: tracks.Channel(kind), Action: tracks.Action{Template: name}}
	d.Now = time.Now()
	if kind == templates.KindLetter {
		out, err := engine.LetterChannel{Templates: set}.Deliver(ctx, d)
		if err != nil {
			return err
		}
		sig := letters.Signature(letters.Signer{Name: d.Rep.Name, Title: d.Rep.Title, Phone: d.Rep.Phone}, d.Business.Name)
		_, err = fmt.Fprintf(stdout, "%s\n\n%s\n\n%s\n", strings.TrimSuffix(out.Letter.Body, "\n"), letters.Closing, strings.Join(sig, "\n"))
		return err
	}
	msg, err := email.Preview(ctx, emailConfig(cfg, set, nil, nil), d)
	if err != nil {
		return err
	}
	if *format == "eml" {
		fmt.Fprintf(stderr, "dripline templates preview: Message-ID %s uses touch id 0 and Date is now; a sent touch has its own\n", msg.GetMessageID())
		_, err = msg.WriteTo(stdout)
		return err
	}
	return email.WriteText(stdout, msg)
}

// contactDispatch is a touch for the contact ref in the database, read
// without writing anything.
func contactDispatch(ctx context.Context, cfg *config.Config, ref string, stderr io.Writer) (engine.Dispatch, error) {
	rt, err := openCRM(ctx, cfg, readOnly, stderr)
	if err != nil {
		return engine.Dispatch{}, err
	}
	defer rt.Close()
	c, err := rt.crm.Contact(ctx, crm.System, ref)
	if err != nil {
		return engine.Dispatch{}, err
	}
	return engine.ContactDispatch(ctx, rt.store, c, cfg.Business())
}

// runTemplatesList is `dripline templates list`.
func runTemplatesList(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("templates list", "[--templates DIR]",
		"List every template: its name, its kind and, for an email, whether it has an\nHTML part.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Templates)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return f.fail("expected no arguments; use --templates DIR")
	}
	set, err := templates.Load(cfg.TemplatesDir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tHTML")
	for _, t := range set.All() {
		html := "-"
		switch {
		case t.Kind == templates.KindLetter:
		case set.HasHTML(t.Name):
			html = "yes"
		default:
			html = "no"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Kind, html)
	}
	return tw.Flush()
}
