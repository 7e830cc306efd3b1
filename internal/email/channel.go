package email

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/templates"
	gomail "github.com/wneessen/go-mail"
)

// Renderer renders email templates; *templates.Set is one.
type Renderer interface {
	Email(name string, d templates.Data) (templates.Email, error)
}

// ChannelConfig wires a Channel.
type ChannelConfig struct {
	Templates Renderer
	Sender    Sender
	// PublicURL is the base of unsubscribe links (DRIPLINE_PUBLIC_URL): each
	// is PublicURL + "/u/" + token. It should be https; with http, emails get
	// List-Unsubscribe without the RFC 8058 one-click header.
	PublicURL string
	Secret    []byte // signs unsubscribe tokens (DRIPLINE_SECRET); required
	// DefaultFrom is the sender when the step names none and the contact's
	// rep has no email (DRIPLINE_FROM), as "Name <address>"; optional.
	DefaultFrom string
	// Domain is the right-hand side of Message-IDs; default DefaultFrom's
	// domain, else "localhost". It must not change while touches are pending.
	Domain string
	// BounceAddress is the envelope sender of every email
	// (DRIPLINE_BOUNCE_ADDRESS), with the touch id added VERP-style
	// (bounces+t123@example.com, see VERP), so bounces come back to it and
	// name their touch rather than land in the rep's inbox; optional.
	BounceAddress string
	Logger        *slog.Logger // default discards
}

// Channel carries out email touches (tracks.ChannelEmail): it renders the
// step's template, builds the message and hands it to a Sender. It is cheap
// to build and safe for concurrent use.
type Channel struct {
	engine.EmailReach
	templates   Renderer
	sender      Sender
	publicURL   string
	secret      []byte
	defaultFrom *mail.Address
	domain      string
	bounce      string
	log         *slog.Logger
}

var _ engine.Channel = (*Channel)(nil)

var domainRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// NewChannel checks cfg and returns a Channel.
func NewChannel(cfg ChannelConfig) (*Channel, error) {
	c := &Channel{templates: cfg.Templates, sender: cfg.Sender, secret: cfg.Secret,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), domain: cfg.Domain, bounce: cfg.BounceAddress, log: cfg.Logger}
	switch {
	case cfg.Templates == nil:
		return nil, errors.New("email channel: no templates")
	case cfg.Sender == nil:
		return nil, errors.New("email channel: no sender")
	case len(cfg.Secret) == 0:
		return nil, errors.New("email channel: secret: empty (it signs unsubscribe links)")
	}
	if c.bounce != "" {
		if err := CheckBounceAddress(c.bounce); err != nil {
			return nil, fmt.Errorf("email channel: %w", err)
		}
	}
	if err := checkPublicURL(c.publicURL); err != nil {
		return nil, fmt.Errorf("email channel: public url %q: %w", cfg.PublicURL, err)
	}
	if cfg.DefaultFrom != "" {
		a, err := mail.ParseAddress(cfg.DefaultFrom)
		if err != nil {
			return nil, fmt.Errorf("email channel: default from %q: %w", cfg.DefaultFrom, err)
		}
		c.defaultFrom = a
	}
	if c.domain = MailDomain(cfg.Domain, c.defaultFrom); !domainRE.MatchString(c.domain) {
		return nil, fmt.Errorf("email channel: message-id domain %q: want a host name", c.domain)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// MailDomain is the domain Dripline's mail is from: domain when set, else
// the default sender's domain, else "localhost". Message-IDs end in it, and
// the SMTP sender introduces itself with it in EHLO unless told otherwise.
func MailDomain(domain string, defaultFrom *mail.Address) string {
	switch {
	case domain != "":
		return domain
	case defaultFrom != nil:
		return defaultFrom.Address[strings.LastIndex(defaultFrom.Address, "@")+1:]
	}
	return "localhost"
}

// checkPublicURL accepts an absolute http(s) URL that can sit in a header
// between angle brackets as it is.
func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return errors.New("want https:// (or http:// in development)")
	case u.Host == "":
		return errors.New("host: missing")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("want no query or fragment")
	case strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune(`<>"\`, r) }):
		return errors.New("want only URL characters (percent-encode the rest)")
	}
	return nil
}

// UnsubscribeURL is the one-click unsubscribe link for an address.
func (c *Channel) UnsubscribeURL(email string) string {
	return c.publicURL + "/u/" + Sign(c.secret, email)
}

// Deliver sends the touch's email. A bad contact address, a bad sender, a
// template that cannot render and a 5xx reply fail the touch permanently; a
// hard bounce returns an *engine.SuppressError; other failures are temporary.
func (c *Channel) Deliver(ctx context.Context, d engine.Dispatch) (engine.Outcome, error) {
	msg, env, subject, err := c.message(d)
	if err != nil {
		return engine.Outcome{}, engine.Permanent(fmt.Errorf("email touch %d: %w", d.Touch.ID, err))
	}
	if err := c.sender.Send(ctx, msg); err != nil {
		return engine.Outcome{}, fmt.Errorf("email touch %d to %s: %w", d.Touch.ID, env.to.Address, err)
	}
	c.log.DebugContext(ctx, "email sent", "touch", d.Touch.ID, "contact", d.Contact.ID, "enrollment", d.Touch.EnrollmentID,
		"message_id", "<"+env.id+">", "to", env.to.Address, "from", env.from.Address)
	return engine.Outcome{
		Activity: engine.Activity{ // the engine fills in type, rep and due
			Subject:     subject,
			Notes:       fmt.Sprintf("Emailed %s from %s, Message-ID <%s>", env.to.Address, env.from.Address, env.id),
			Status:      engine.ActivityDone,
			CompletedAt: env.date,
		},
		MessageID: "<" + env.id + ">",
	}, nil
}

// message checks the addresses, renders the template with the touch's merge
// data and builds the message. Its errors are the touch's fault: permanent.
func (c *Channel) message(d engine.Dispatch) (*gomail.Msg, envelope, string, error) {
	to, err := contactAddress(d.Contact)
	if err != nil {
		return nil, envelope{}, "", err
	}
	from, err := c.from(d)
	if err != nil {
		return nil, envelope{}, "", err
	}
	data := d.MergeData()
	data.UnsubscribeURL = c.UnsubscribeURL(to.Address)
	e, err := c.templates.Email(d.Step.Action.Template, data)
	if err != nil {
		return nil, envelope{}, "", err
	}
	e = withFooter(e, data.Business, data.UnsubscribeURL)
	env := envelope{id: MessageID(d.Touch.ID, c.domain), from: from, to: to, date: d.Now, unsubscribe: data.UnsubscribeURL}
	if c.bounce != "" {
		env.returnPath = VERP(c.bounce, d.Touch.ID)
	}
	if env.date.IsZero() {
		env.date = time.Now()
	}
	return build(env, e), env, oneLine(e.Subject), nil
}

// contactAddress checks the contact's address and adds their name.
func contactAddress(ct engine.Contact) (*mail.Address, error) {
	if strings.TrimSpace(ct.Email) == "" {
		return nil, fmt.Errorf("contact %d has no email address", ct.ID)
	}
	a, err := mail.ParseAddress(ct.Email)
	if err != nil {
		return nil, fmt.Errorf("contact %d: invalid email address %q: %w", ct.ID, ct.Email, err)
	}
	a.Name = oneLine(ct.FirstName + " " + ct.LastName)
	return a, nil
}

// from is the step's sender, else the rep, else the default sender.
func (c *Channel) from(d engine.Dispatch) (*mail.Address, error) {
	if f := d.Step.Action.From; f != "" {
		a, err := mail.ParseAddress(f)
		if err != nil {
			return nil, fmt.Errorf("track %s step %s: from %q: %w", trackID(d), d.Step.ID, f, err)
		}
		return a, nil
	}
	if d.Rep.Email != "" {
		a, err := mail.ParseAddress(d.Rep.Email)
		if err == nil {
			a.Name = oneLine(d.Rep.Name)
			return a, nil
		}
		c.log.Warn("rep has an invalid email address; using the default sender",
			"rep", d.Rep.ID, "email", d.Rep.Email, "err", err)
	}
	if c.defaultFrom == nil {
		return nil, fmt.Errorf("no sender: step %s names none, the contact's rep has no email and no default sender is set", d.Step.ID)
	}
	a := *c.defaultFrom
	return &a, nil
}

func trackID(d engine.Dispatch) string {
	if d.Track == nil {
		return "?"
	}
	return d.Track.ID
}
