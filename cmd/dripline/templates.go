package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

const templatesUsage = `usage:
  dripline templates preview NAME (--contact REF | --sample) [--format text|eml] [--kind email|letter]
      Render the email or letter template NAME as it would be sent, through
      the email channel (sender, recipient, footer, unsubscribe link) or the
      letter channel. --sample uses built-in sample data and needs no
      database; --contact REF (an external_id, an email or an id) reads the
      contact and its owner rep from DATABASE_URL. --format text (default)
      prints From, To and Subject, the plain-text part and, after
      "--- html ---", the HTML part; --format eml prints the whole MIME
      message of an email, with touch id 0 in its Message-ID. When NAME is
      both an email and a letter the email is shown, unless --kind letter.
  dripline templates list
      List every template: its name, its kind and, for an email, whether it
      has an HTML part.

Every command takes --templates DIR (env DRIPLINE_TEMPLATES) and the
settings of dripline serve: --database-url, --public-url, --secret,
--sender, --mail-domain, --business-name, --business-address ...
`

// runTemplates runs `dripline templates preview|list`.
func runTemplates(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub := map[string]func(context.Context, templatesFlags, []string, io.Writer, io.Writer) error{
		"preview": templatesPreview,
		"list":    templatesList,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
			fmt.Fprintf(stderr, "dripline templates: unknown command %q\n", args[0])
		}
		fmt.Fprint(stderr, templatesUsage)
		return exitError{2}
	}
	f := newTemplatesFlags(args[0], stderr)
	pos, err := parseInterspersed(f.fs, args[1:])
	if err != nil {
		return err
	}
	if err := f.cfg.Check(); err != nil {
		return err
	}
	return sub[args[0]](ctx, f, pos, stdout, stderr)
}

// templatesFlags are the flags of every templates command.
type templatesFlags struct {
	fs      *flag.FlagSet
	cfg     *config.Config
	contact *string
	sample  *bool
	format  *string
	kind    *string
}

func newTemplatesFlags(name string, stderr io.Writer) templatesFlags {
	fs := flag.NewFlagSet("templates "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, templatesUsage) }
	return templatesFlags{
		fs:      fs,
		cfg:     config.Bind(fs),
		contact: fs.String("contact", "", "preview: the contact, an external_id, an email or an id"),
		sample:  fs.Bool("sample", false, "preview: use the built-in sample contact, rep and business"),
		format:  fs.String("format", "text", "preview: text or eml"),
		kind:    fs.String("kind", "", "preview: email or letter, when NAME is both"),
	}
}

func templatesPreview(ctx context.Context, f templatesFlags, args []string, stdout, stderr io.Writer) error {
	switch {
	case len(args) != 1:
		return usageError(f.fs, "name one template")
	case (*f.contact == "") == !*f.sample:
		return usageError(f.fs, "give either --contact REF or --sample")
	case *f.format != "text" && *f.format != "eml":
		return usageError(f.fs, "--format must be text or eml")
	case *f.kind != "" && *f.kind != string(templates.KindEmail) && *f.kind != string(templates.KindLetter):
		return usageError(f.fs, "--kind must be email or letter")
	}
	name := args[0]
	set, err := templates.Load(f.cfg.TemplatesDir)
	if err != nil {
		return err
	}
	kind, err := pickKind(set, name, templates.Kind(*f.kind), stderr)
	if err != nil {
		return err
	}
	if kind == templates.KindLetter && *f.format == "eml" {
		return fmt.Errorf("%s is a letter: --format eml is for emails", name)
	}
	d := sampleDispatch()
	if !*f.sample {
		if d, err = contactDispatch(ctx, f.cfg, *f.contact, stderr); err != nil {
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
		_, err = io.WriteString(stdout, withNewline(out.Letter.Body))
		return err
	}
	msg, err := emailMessage(ctx, f.cfg, set, d)
	if err != nil {
		return err
	}
	if *f.format == "eml" {
		fmt.Fprintf(stderr, "dripline templates preview: Message-ID %s uses touch id 0 and Date is now; a sent touch has its own\n", msg.GetMessageID())
		_, err = msg.WriteTo(stdout)
		return err
	}
	return printEmail(stdout, msg)
}

// pickKind is the kind of template NAME is: want when given, else email,
// else letter. A name that is both is shown as the email, with a note.
func pickKind(set *templates.Set, name string, want templates.Kind, stderr io.Writer) (templates.Kind, error) {
	isEmail, isLetter := set.Has(templates.KindEmail, name), set.Has(templates.KindLetter, name)
	switch {
	case want != "" && set.Has(want, name):
		return want, nil
	case want != "":
		return "", fmt.Errorf("no %s template %q%s", want, name, closeNames(set, name))
	case isEmail && isLetter:
		fmt.Fprintf(stderr, "dripline templates preview: %s is both an email and a letter; showing the email (--kind letter shows the letter)\n", name)
		return templates.KindEmail, nil
	case isEmail:
		return templates.KindEmail, nil
	case isLetter:
		return templates.KindLetter, nil
	}
	return "", fmt.Errorf("no email or letter template %q%s", name, closeNames(set, name))
}

// entry is one template of a set.
type entry struct {
	name string
	kind templates.Kind
}

// entries lists every template of set by name, then kind.
func entries(set *templates.Set) []entry {
	var all []entry
	for _, k := range []templates.Kind{templates.KindEmail, templates.KindLetter} {
		for _, n := range set.Names(k) {
			all = append(all, entry{n, k})
		}
	}
	slices.SortStableFunc(all, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return all
}

// closeNames suggests up to five templates a mistyped name may have meant,
// the most alike first: of those sharing a word (split at -, _ and .) or a
// three-character prefix with it, the ones sharing the most words and at
// least half the longest common prefix.
func closeNames(set *templates.Set, name string) string {
	type scored struct {
		entry
		words, prefix int
	}
	var found []scored
	for _, e := range entries(set) {
		s := scored{e, sharedWords(name, e.name), commonPrefix(name, e.name)}
		if s.words > 0 || s.prefix >= 3 {
			found = append(found, s)
		}
	}
	if len(found) == 0 {
		return "; dripline templates list shows them all"
	}
	slices.SortStableFunc(found, func(a, b scored) int {
		if a.words != b.words {
			return b.words - a.words
		}
		return b.prefix - a.prefix
	})
	var names []string
	for _, s := range found {
		if len(names) == 5 || s.words < found[0].words || 2*s.prefix < found[0].prefix {
			break
		}
		names = append(names, fmt.Sprintf("%s (%s)", s.name, s.kind))
	}
	return "; close names: " + strings.Join(names, ", ")
}

func sharedWords(a, b string) int {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	}
	bw := split(b)
	n := 0
	for _, w := range split(a) {
		if slices.Contains(bw, w) {
			n++
		}
	}
	return n
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// sampleDispatch is a touch for templates.Sample(): its contact, rep,
// business, track, step and event, as the engine would hand them over.
func sampleDispatch() engine.Dispatch {
	s := templates.Sample()
	c := s.Contact
	d := engine.Dispatch{
		Track: &tracks.Track{ID: s.Track.ID, Name: s.Track.Name},
		Step:  tracks.Step{ID: s.Step},
		Contact: engine.Contact{
			Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
			Company: c.Company, Title: c.Title, Phone: c.Phone,
			Street: c.Street, City: c.City, Region: c.Region,
			PostalCode: c.PostalCode, Country: c.Country, Custom: c.Custom,
		},
		Rep:      engine.Rep{Name: s.Rep.Name, Email: s.Rep.Email, Signature: s.Rep.Signature},
		Event:    engine.Event{Name: s.Event.Name, Item: s.Event.Item, Amount: s.Event.Amount},
		Business: s.Business,
	}
	if at, err := time.Parse("January 2, 2006", s.Event.Date); err == nil {
		d.Event.At = at
	}
	return d
}

// contactDispatch is a touch for a contact in the database and its owner
// rep. It has no track, step or event: those come from an enrollment.
func contactDispatch(ctx context.Context, cfg *config.Config, ref string, stderr io.Writer) (engine.Dispatch, error) {
	rt, err := openRuntime(ctx, cfg, quietLogger(stderr), false)
	if err != nil {
		return engine.Dispatch{}, err
	}
	defer rt.Close()
	c, err := rt.crm.Contact(ctx, crm.System, ref)
	if err != nil {
		return engine.Dispatch{}, err
	}
	var rep engine.Rep
	if c.OwnerID != 0 {
		err = rt.store.Tx(ctx, func(tx engine.Tx) error {
			var err error
			rep, err = tx.Rep(ctx, c.OwnerID)
			return err
		})
	}
	return engine.Dispatch{Contact: c, Rep: rep, Business: business(cfg), Track: &tracks.Track{}}, err
}

// capture is a Sender that keeps the message instead of sending it.
type capture struct{ msg *gomail.Msg }

func (c *capture) Send(_ context.Context, m *gomail.Msg) error { c.msg = m; return nil }
func (c *capture) Close() error                                { return nil }

// emailMessage is the message the email channel would send for d, built by
// the channel itself with the daemon's settings.
func emailMessage(ctx context.Context, cfg *config.Config, set *templates.Set, d engine.Dispatch) (*gomail.Msg, error) {
	var sent capture
	ch, err := newEmailChannel(cfg, set, &sent, nil)
	if err != nil {
		return nil, err
	}
	if _, err := ch.Deliver(ctx, d); err != nil {
		return nil, err
	}
	return sent.msg, nil
}

// printEmail prints a message for people: From, To and Subject, the
// plain-text part and, under "--- html ---", the HTML part.
func printEmail(w io.Writer, m *gomail.Msg) error {
	fmt.Fprintf(w, "From: %s\nTo: %s\nSubject: %s\n\n", addresses(m.GetFrom()), addresses(m.GetTo()),
		strings.Join(m.GetGenHeader(gomail.HeaderSubject), " "))
	for _, p := range m.GetParts() {
		body, err := p.GetContent()
		if err != nil {
			return err
		}
		if p.GetContentType() == gomail.TypeTextHTML {
			fmt.Fprintln(w, "--- html ---")
		}
		if _, err := io.WriteString(w, withNewline(string(body))); err != nil {
			return err
		}
	}
	return nil
}

// addresses writes addresses as Name <address>, without MIME encoding.
func addresses(as []*mail.Address) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = "<" + a.Address + ">"
		if a.Name != "" {
			out[i] = a.Name + " " + out[i]
		}
	}
	return strings.Join(out, ", ")
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func templatesList(_ context.Context, f templatesFlags, args []string, stdout, _ io.Writer) error {
	if len(args) > 0 {
		return usageError(f.fs, "expected no arguments; use --templates DIR")
	}
	set, err := templates.Load(f.cfg.TemplatesDir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tHTML")
	for _, e := range entries(set) {
		html := "-"
		switch {
		case e.kind == templates.KindLetter:
		case set.HasHTML(e.name):
			html = "yes"
		default:
			html = "no"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.name, e.kind, html)
	}
	return tw.Flush()
}
