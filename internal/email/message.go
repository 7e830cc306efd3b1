package email

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/dripline/dripline/templates"
	gomail "github.com/wneessen/go-mail"
)

// MessageID is the Message-ID of the email for a touch, without angle
// brackets: touch-{id}@{domain}. It depends on nothing else, so a resend of
// the same touch after a crash is the same message.
func MessageID(touchID int64, domain string) string {
	return "touch-" + strconv.FormatInt(touchID, 10) + "@" + domain
}

// envelope is everything about one email but its content.
type envelope struct {
	id          string
	from, to    *mail.Address
	date        time.Time
	unsubscribe string // the unsubscribe URL
	returnPath  string // the envelope sender (MAIL FROM); empty: the From address
}

// build assembles the message. go-mail encodes header values (RFC 2047) and
// address display names, so no CR or LF from a name or subject can start a
// header of its own; the subject is also made one line here. Headers are
// written in a fixed order, so a resend of a touch at the same date is the
// same bytes.
func build(env envelope, e templates.Email) *gomail.Msg {
	// A boundary derived from the Message-ID keeps the body the same too.
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithBoundary(boundary(env.id)))
	m.FromMailAddress(env.from)
	if env.returnPath != "" {
		_ = m.EnvelopeFrom(env.returnPath) // checked by CheckBounceAddress; VERP keeps it an address
	}
	m.AddToMailAddress(env.to)
	m.Subject(oneLine(e.Subject))
	m.SetMessageIDWithValue(env.id)
	m.SetDateWithValue(env.date)
	m.SetUserAgent("Dripline")
	m.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+env.unsubscribe+">")
	// RFC 8058 one-click needs HTTPS; a plain-http public URL (development)
	// still gets List-Unsubscribe, without List-Unsubscribe-Post.
	if strings.HasPrefix(env.unsubscribe, "https://") {
		m.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	if e.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)
	}
	return m
}

// boundary is the MIME boundary for a message: a hash of its Message-ID.
func boundary(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "dripline-" + hex.EncodeToString(sum[:16])
}

// oneLine replaces line breaks and other control characters with spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r < ' ' || r == 0x7f || r == ' '
	}), " ")
}

// withFooter makes sure both parts carry the unsubscribe link and the
// business's postal address (CAN-SPAM), adding a footer with whatever the
// template left out.
func withFooter(e templates.Email, b templates.Business, unsubscribe string) templates.Email {
	var lines []string
	if b.Address != "" && !strings.Contains(e.Text, b.Address) {
		lines = append(lines, postal(b))
	}
	if !strings.Contains(e.Text, unsubscribe) {
		lines = append(lines, "Unsubscribe: "+unsubscribe)
	}
	if len(lines) > 0 {
		e.Text = strings.TrimRight(e.Text, "\n") + "\n\n--\n" + strings.Join(lines, "\n") + "\n"
	}
	if e.HTML != "" {
		e.HTML = htmlFooter(e.HTML, b, unsubscribe)
	}
	return e
}

// htmlFooter adds the missing address and link before </body>, or at the end.
func htmlFooter(doc string, b templates.Business, unsubscribe string) string {
	var parts []string
	if b.Address != "" && !strings.Contains(doc, html.EscapeString(b.Address)) && !strings.Contains(doc, b.Address) {
		parts = append(parts, html.EscapeString(postal(b)))
	}
	if !strings.Contains(doc, html.EscapeString(unsubscribe)) {
		parts = append(parts, `<a href="`+html.EscapeString(unsubscribe)+`">Unsubscribe</a>`)
	}
	if len(parts) == 0 {
		return doc
	}
	footer := `<p style="font-size:12px;color:#666">` + strings.Join(parts, "<br>") + "</p>\n"
	if i := strings.LastIndex(strings.ToLower(doc), "</body>"); i >= 0 {
		return doc[:i] + footer + doc[i:]
	}
	return doc + footer
}

// postal is the business's name and address on one line.
func postal(b templates.Business) string {
	if b.Name == "" {
		return b.Address
	}
	return b.Name + ", " + b.Address
}
