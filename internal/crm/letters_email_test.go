package crm_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/smtptest"
	"github.com/dripline/dripline/templates"
)

// mailer is the real email channel over a loopback SMTP server.
func mailer(t *testing.T, srv *smtptest.Server) *email.Channel {
	t.Helper()
	cfg, err := email.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	sender, err := email.NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	set, err := templates.Default()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := email.NewChannel(email.ChannelConfig{Templates: set, Sender: sender, PublicURL: "https://crm.summit.example",
		Secret: []byte("test secret"), DefaultFrom: "Summit Tech <hello@summit.example>"})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestEmailInsteadOfPrinting(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	p := setupPile(t, mailer(t, srv))
	ann := p.contact("ann")
	nowhere := p.contact("cy", func(c *engine.Contact) { c.Street = "" })
	muted := p.contact("dee")
	nomail := p.contact("eve", func(c *engine.Contact) { c.Email = "" })
	if err := p.pg.Tx(p.ctx, func(tx engine.Tx) error {
		return tx.Suppress(p.ctx, muted.Email, engine.SuppressUnsubscribe, "", p.clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []engine.Contact{ann, nowhere, muted, nomail} {
		p.file(c, "thanks")
	}
	p.clock.Set(pileStart.Add(48 * time.Hour))

	n, err := p.letters.Email(p.ctx, crm.System, "thank-you-purchase")
	if err != nil || n != 2 {
		t.Fatalf("email = %d, %v; want ann's and the unmailable cy's letters", n, err)
	}
	msgs := srv.WaitMessages(t, 2)
	to := map[string]string{}
	for _, m := range msgs {
		msg, err := m.Parse()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(msg.Body)
		to[m.To[0]] = msg.Header.Get("Message-Id") + " " + msg.Header.Get("Subject")
		if !strings.Contains(string(body), "Dear Pat,") || !strings.Contains(string(body), "Sincerely,\r\n\r\nJane Smith\r\nAccount Manager") {
			t.Errorf("email to %s lacks the letter's text, closing and signature: %q", m.To[0], body)
		}
	}
	var annLetter int64
	if err := p.pool.QueryRow(p.ctx, `SELECT id FROM letters WHERE contact_id = $1`, ann.ID).Scan(&annLetter); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("<letter-%d@summit.example> Thank you purchase letter from Summit Tech", annLetter)
	if to["ann@example.com"] != want {
		t.Errorf("email to ann = %q, want %q", to["ann@example.com"], want)
	}
	status, completed, notes, points := p.activity(ann)
	if status != "done" || completed == nil || !completed.Equal(p.clock.Now()) || points != 1 || !strings.Contains(notes, "Message-ID <letter-") {
		t.Errorf("emailed letter's activity = %s, %v, %q, %d points; want done now with 1 point", status, completed, notes, points)
	}
	for _, c := range []engine.Contact{muted, nomail} {
		if status, _, _, _ := p.activity(c); status != "open" {
			t.Errorf("%s's letter: activity %s, want open, still waiting", c.ExternalID, status)
		}
	}
	cs, _ := p.letters.List(p.ctx, crm.System)
	if len(cs) != 1 || cs[0].Pending != 2 || cs[0].Unmailable != 0 {
		t.Errorf("after emailing the pile = %+v, want the two letters that could not be emailed", cs)
	}

	if n, err := p.letters.Email(p.ctx, crm.System, "thank-you-purchase"); err != nil || n != 0 {
		t.Errorf("second email = %d, %v; want nothing left to email", n, err)
	}
	if srv.Count() != 2 {
		t.Errorf("%d messages sent, want 2: a letter is emailed once", srv.Count())
	}
	if _, err := p.letters.Email(p.ctx, crm.System, ""); err == nil {
		t.Error("email without a kind succeeded")
	}
}

// crashAfterSend sends for real, then fails the first time as a crash
// between the SMTP server's acceptance and the commit would.
type crashAfterSend struct {
	crm.LetterMailer
	crashed bool
}

func (c *crashAfterSend) MailLetter(ctx context.Context, l engine.FiledLetter, subject string, b templates.Business) (string, error) {
	id, err := c.LetterMailer.MailLetter(ctx, l, subject, b)
	if err == nil && !c.crashed {
		c.crashed = true
		return "", errors.New("connection lost before the commit")
	}
	return id, err
}

func TestEmailAfterACrashResendsTheSameMessage(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	m := &crashAfterSend{LetterMailer: mailer(t, srv)}
	p := setupPile(t, m)
	ann := p.contact("ann")
	p.file(ann, "thanks")
	if n, err := p.letters.Email(p.ctx, crm.System, "thank-you-purchase"); err == nil || n != 0 {
		t.Fatalf("email through a crash = %d, %v; want the error", n, err)
	}
	if status, _, _, _ := p.activity(ann); status != "open" {
		t.Fatalf("after the crash the activity is %s, want open: the letter still waits", status)
	}
	if n, err := p.letters.Email(p.ctx, crm.System, "thank-you-purchase"); err != nil || n != 1 {
		t.Fatalf("email again = %d, %v", n, err)
	}
	msgs := srv.WaitMessages(t, 2)
	var ids []string
	for _, msg := range msgs {
		parsed, err := msg.Parse()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, parsed.Header.Get("Message-Id"))
	}
	if ids[0] != ids[1] || !strings.HasPrefix(ids[0], "<letter-") {
		t.Errorf("Message-IDs %q: a resend after a crash must be the same message", ids)
	}
	if status, _, _, _ := p.activity(ann); status != "done" {
		t.Errorf("after the resend the activity is %s, want done", status)
	}
}

// A letter emailed instead that bounces hard (550 5.1.1 to RCPT) puts the
// address on the suppression list as an email touch would, and stays
// waiting; a policy refusal (554 5.7.1) says nothing about the address.
func TestEmailInsteadSuppressesAHardBounce(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	p := setupPile(t, mailer(t, srv))
	gone, blocked, ann := p.contact("gone"), p.contact("blocked"), p.contact("ann")
	for _, c := range []engine.Contact{gone, blocked, ann} {
		p.file(c, "thanks")
	}
	srv.FailRcpt(gone.Email, 550)
	srv.FailRcpt(blocked.Email, 554)

	n, err := p.letters.Email(p.ctx, crm.System, "thank-you-purchase")
	if n != 1 || err == nil || !strings.Contains(err.Error(), gone.Email) || !strings.Contains(err.Error(), blocked.Email) {
		t.Fatalf("email = %d, %v; want ann's letter sent and both failures named", n, err)
	}
	var reason string
	if err := p.pg.Tx(p.ctx, func(tx engine.Tx) (err error) {
		reason, err = tx.Suppressed(p.ctx, gone.Email)
		return err
	}); err != nil || reason != engine.SuppressHardBounce {
		t.Errorf("%s is suppressed for %q, %v; want %s", gone.Email, reason, err, engine.SuppressHardBounce)
	}
	if n := p.count(`SELECT count(*) FROM suppressions`); n != 1 {
		t.Errorf("%d addresses suppressed, want only the one that bounced hard", n)
	}
	for _, c := range []engine.Contact{gone, blocked} {
		if status, _, _, _ := p.activity(c); status != "open" {
			t.Errorf("%s's letter: activity %s, want open, still waiting", c.ExternalID, status)
		}
	}
	srv.Clear()
	if n, err := p.letters.Email(p.ctx, crm.System, "thank-you-purchase"); n != 1 || err != nil {
		t.Errorf("email again = %d, %v; want the blocked letter sent and the bounced address skipped", n, err)
	}
}
