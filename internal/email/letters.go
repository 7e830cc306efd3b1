package email

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/templates"
)

var _ crm.LetterMailer = (*Channel)(nil)

// LetterMessageID is the Message-ID of a letter emailed instead of printed,
// without angle brackets: letter-{id}@{domain}. It depends on nothing else,
// so a resend of the same letter after a crash is the same message.
func LetterMessageID(letterID int64, domain string) string {
	return "letter-" + strconv.FormatInt(letterID, 10) + "@" + domain
}

// MailLetter emails a filed letter's text to its contact instead of
// printing it, from the letter's rep (else the default sender), with the
// unsubscribe link and the business's postal address in the footer. It
// returns the Message-ID. A bad address fails permanently (engine.Permanent).
func (c *Channel) MailLetter(ctx context.Context, l engine.FiledLetter, subject string, b templates.Business) (string, error) {
	to, err := contactAddress(l.Contact)
	if err != nil {
		return "", engine.Permanent(fmt.Errorf("email letter %d: %w", l.Letter.ID, err))
	}
	from, err := c.from(engine.Dispatch{Rep: l.Rep})
	if err != nil {
		return "", engine.Permanent(fmt.Errorf("email letter %d: %w", l.Letter.ID, err))
	}
	env := envelope{id: LetterMessageID(l.Letter.ID, c.domain), from: from, to: to,
		date: l.Letter.CreatedAt, unsubscribe: c.UnsubscribeURL(to.Address)}
	if env.date.IsZero() {
		env.date = time.Now()
	}
	e := withFooter(templates.Email{Subject: subject, Text: l.Letter.Body}, b, env.unsubscribe)
	c.log.Info("emailing letter", "letter", l.Letter.ID, "message_id", "<"+env.id+">", "to", to.Address)
	if err := c.sender.Send(ctx, build(env, e)); err != nil {
		return "", fmt.Errorf("email letter %d to %s: %w", l.Letter.ID, to.Address, err)
	}
	return env.id, nil
}
