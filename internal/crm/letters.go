package crm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/letters"
	"github.com/dripline/dripline/templates"
)

// LetterStore keeps the pile of printed letters: PostgreSQL in production.
type LetterStore interface {
	// Counts lists, by kind, the letters waiting to be printed or mailed,
	// of the contacts the rep owner owns (0 for every contact), changing
	// nothing. An unmailable letter whose contact's address was fixed
	// counts as pending.
	Counts(ctx context.Context, owner int64) ([]engine.LetterCount, error)
	// Unmailable lists the waiting letters without a usable address, of
	// kind ("" for every kind) and of the contacts the rep owner owns (0
	// for every contact), oldest first, leaving out those whose contact's
	// address was fixed since.
	Unmailable(ctx context.Context, owner int64, kind string) ([]engine.FiledLetter, error)
	// Print records a batch of the printable letters p selects, first
	// refiling in its transaction the unmailable ones whose contact's
	// address was fixed (with that address), locking them so that no other
	// Print takes them, and calls render with the batch
	// (its ID set) and its letters; render sets the batch's Pages and File.
	// The letters are marked printed and their activities done in the same
	// transaction, committed only when render succeeds. Nothing waiting:
	// render is not called and the batch's ID is 0.
	Print(ctx context.Context, p engine.LetterPrint, render func(b *engine.LetterBatch, ls []engine.Letter) error) (engine.LetterBatch, error)
	// Batches lists the batches, newest first.
	Batches(ctx context.Context) ([]engine.LetterBatch, error)
	// Batch returns one batch and its letters as printed; an unknown batch
	// wraps engine.ErrNotFound.
	Batch(ctx context.Context, id int64) (engine.LetterBatch, []engine.Letter, error)
	// Purge discards the waiting letters of kind, printable or not, and
	// cancels their activities with the reason. It reports how many.
	Purge(ctx context.Context, kind, reason string, at time.Time) (int, error)
	// EmailEach calls send for each waiting letter of kind whose contact has
	// an email address that is not suppressed, one at a time, each locked in
	// its own transaction: when send succeeds the letter is marked emailed
	// (with the Message-ID send returns) and its activity done at at(). A
	// letter send fails for stays waiting and the next is tried; the errors
	// come back joined.
	EmailEach(ctx context.Context, kind string, at func() time.Time, send func(engine.FiledLetter) (messageID string, err error)) (int, error)
}

// RenderPDF writes letters, their envelopes and label sheets as one PDF and
// returns how many pages it wrote.
type RenderPDF func(w io.Writer, opts letters.Options, ls []letters.Letter) (pages int, err error)

// renderPDF is letters.Render, the default RenderPDF.
func renderPDF(w io.Writer, opts letters.Options, ls []letters.Letter) (int, error) {
	p, err := letters.Render(w, opts, ls)
	return p.Total(), err
}

// LetterMailer emails a letter's text to its contact instead of printing
// it; the email channel is one. The Message-ID it returns derives from the
// letter's id alone, so a resend after a crash is the same message.
type LetterMailer interface {
	MailLetter(ctx context.Context, l engine.FiledLetter, subject string, b templates.Business) (messageID string, err error)
}

// Bouncer records a bounce as the email channel's are recorded: a hard
// bounce ("hard") puts the address on the suppression list and sends
// contact.bounced to each contact having it. The engine is one.
type Bouncer interface {
	Bounce(ctx context.Context, email, kind, detail string) error
}

// LettersConfig wires a Letters service. Store is required, and Bouncer
// with a Mailer.
type LettersConfig struct {
	Store    LetterStore
	Render   RenderPDF    // default letters.Render
	Mailer   LetterMailer // nil: emailing letters instead is refused
	Bouncer  Bouncer      // records the hard bounces of letters emailed instead
	PDF      letters.Options
	Business templates.Business // the email footer of letters emailed instead
	Clock    Clock              // default the wall clock
	Logger   *slog.Logger       // default discards
}

// Letters is the managers' pile of printed letters: counts by kind, batch
// PDFs with envelopes and labels, reprints, purges and emailing instead.
// The pile is the office's: printing, purging, emailing and the batches are
// for admins, managers and the system ([ManageLetters]). A sales rep sees
// the letters of its own contacts ([Letters.List], [Letters.Unmailable])
// and fixes an unmailable one by fixing its contact's address
// (UpdateContact), which puts it back on the pile.
type Letters struct {
	cfg LettersConfig
}

// NewLetters checks cfg and returns the service.
func NewLetters(cfg LettersConfig) (*Letters, error) {
	if cfg.Store == nil {
		return nil, errors.New("letters: a Store is required")
	}
	if cfg.Mailer != nil && cfg.Bouncer == nil {
		return nil, errors.New("letters: a Mailer needs a Bouncer to suppress the addresses that bounce")
	}
	if cfg.Render == nil {
		cfg.Render = renderPDF
	}
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Letters{cfg: cfg}, nil
}

func (l *Letters) now() time.Time { return l.cfg.Clock.Now().UTC() }

// List counts the waiting letters by kind, of the contacts a sees,
// changing nothing. A letter goes back on the pile when its contact's
// address is fixed (UpdateContact, the contacts import); an unmailable
// letter whose contact's address was fixed another way counts as pending
// all the same, and the next print refiles it with the new address.
func (l *Letters) List(ctx context.Context, a Actor) ([]engine.LetterCount, error) {
	cs, err := l.cfg.Store.Counts(ctx, a.scope())
	if err != nil {
		return nil, fmt.Errorf("list letters: %w", err)
	}
	return cs, nil
}

// Unmailable lists the letters waiting for a usable postal address, of kind
// ("" for every kind) and of the contacts a sees, with the reason each
// cannot be mailed, changing nothing.
func (l *Letters) Unmailable(ctx context.Context, a Actor, kind string) ([]engine.FiledLetter, error) {
	ls, err := l.cfg.Store.Unmailable(ctx, a.scope(), strings.TrimSpace(kind))
	if err != nil {
		return nil, fmt.Errorf("unmailable letters: %w", err)
	}
	return ls, nil
}

// Batches lists the printed batches, newest first.
func (l *Letters) Batches(ctx context.Context, a Actor) ([]engine.LetterBatch, error) {
	if err := Allow(a, ManageLetters); err != nil {
		return nil, fmt.Errorf("letter batches: %w", err)
	}
	bs, err := l.cfg.Store.Batches(ctx)
	if err != nil {
		return nil, fmt.Errorf("letter batches: %w", err)
	}
	return bs, nil
}

// Batch returns one printed batch; an unknown one wraps engine.ErrNotFound.
func (l *Letters) Batch(ctx context.Context, a Actor, id int64) (engine.LetterBatch, error) {
	if err := Allow(a, ManageLetters); err != nil {
		return engine.LetterBatch{}, fmt.Errorf("letter batch: %w", err)
	}
	b, _, err := l.cfg.Store.Batch(ctx, id)
	return b, err
}

// Purge discards the waiting letters of kind, printable or not; their
// activities are canceled with the reason, which is required.
func (l *Letters) Purge(ctx context.Context, a Actor, kind, reason string) (int, error) {
	if err := Allow(a, ManageLetters); err != nil {
		return 0, fmt.Errorf("purge letters: %w", err)
	}
	kind, reason = strings.TrimSpace(kind), strings.TrimSpace(reason)
	switch {
	case kind == "":
		return 0, invalid("kind", "is required: name the kind of letters to purge")
	case reason == "":
		return 0, invalid("reason", "is required: say why these letters are discarded")
	}
	n, err := l.cfg.Store.Purge(ctx, kind, reason, l.now())
	if err != nil {
		return 0, fmt.Errorf("purge %s letters: %w", kind, err)
	}
	return n, nil
}

// Email sends the waiting letters of kind as emails (the letter's text as
// the body) to the contacts with an email address that may be written to;
// the others stay waiting. It reports how many went out. An address that
// bounces hard (the email channel's classification: a 5xx to RCPT saying
// the address is bad) goes on the suppression list, as it would for an
// email touch, and its letter stays waiting.
func (l *Letters) Email(ctx context.Context, a Actor, kind string) (int, error) {
	if err := Allow(a, ManageLetters); err != nil {
		return 0, fmt.Errorf("email letters: %w", err)
	}
	kind = strings.TrimSpace(kind)
	if kind == "" {
		return 0, invalid("kind", "is required: name the kind of letters to email")
	}
	if l.cfg.Mailer == nil {
		return 0, errors.New("email letters: no mailer configured")
	}
	subject := LetterSubject(kind, l.cfg.Business.Name)
	var bounced []*engine.SuppressError
	n, err := l.cfg.Store.EmailEach(ctx, kind, l.now, func(fl engine.FiledLetter) (string, error) {
		fl.Letter.Body = SignedText(fl.Letter, l.cfg.Business.Name)
		id, err := l.cfg.Mailer.MailLetter(ctx, fl, subject, l.cfg.Business)
		var sup *engine.SuppressError
		if errors.As(err, &sup) {
			bounced = append(bounced, sup)
		}
		return id, err
	})
	if berr := l.suppress(ctx, bounced); berr != nil {
		err = errors.Join(err, berr)
	}
	if err != nil {
		return n, fmt.Errorf("email %s letters: %w", kind, err)
	}
	return n, nil
}

// suppress records the bounces of letters emailed instead, once no letter
// is locked any more: the events they send may reach those letters' rows.
func (l *Letters) suppress(ctx context.Context, bounced []*engine.SuppressError) error {
	var errs []error
	for _, s := range bounced {
		kind := "hard"
		if s.Reason == engine.SuppressComplaint {
			kind = "complaint"
		}
		if err := l.cfg.Bouncer.Bounce(ctx, s.Email, kind, s.Err.Error()); err != nil {
			errs = append(errs, fmt.Errorf("suppress %s: %w", s.Email, err))
		}
	}
	return errors.Join(errs...)
}

// SignedText is a letter as the PDF prints it, in plain text: the body, the
// closing and the signer's lines (the business's name when the signer has
// none), for emailing it instead.
func SignedText(l engine.Letter, business string) string {
	return strings.TrimRight(l.Body, "\n") + "\n\n" + letters.Closing + "\n\n" +
		strings.Join(letters.Signature(l.Signer, business), "\n") + "\n"
}

// LetterSubject is the subject of a letter emailed instead of printed: its
// kind in words ("birthday-letter" → "Birthday letter") from the business,
// as "Birthday letter from Summit Technology Partners".
func LetterSubject(kind, business string) string {
	words := strings.Fields(strings.NewReplacer("-", " ", "_", " ").Replace(kind))
	if len(words) == 0 {
		words = []string{"letter"}
	}
	if !strings.EqualFold(words[len(words)-1], "letter") {
		words = append(words, "letter")
	}
	s := strings.Join(words, " ")
	first, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(first)) + s[size:]
	if business != "" {
		s += " from " + business
	}
	return s
}
