package email

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/smtptest"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

const publicURL = "https://crm.summitridge.example"

// testTemplates loads the defaults plus two test emails: "welcome" with
// both parts and its own footer, and "bare", text only, with no footer.
func testTemplates(t testing.TB) *templates.Set {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"welcome.subject.tmpl": "Welcome to {{.Business.Name}}, {{.Contact.FirstName}}",
		"welcome.txt.tmpl": "Hi {{.Contact.FirstName}},\n\nThanks for your interest in {{.Business.Name}}.\n\n" +
			"{{.Rep.Name}}\n\n{{.Business.Name}}, {{.Business.Address}}\nUnsubscribe: {{.UnsubscribeURL}}\n",
		"welcome.html.tmpl": `<html><body><p>Hi {{.Contact.FirstName}},</p>` +
			`<p>{{.Business.Address}} · <a href="{{.UnsubscribeURL}}">Unsubscribe</a></p></body></html>`,
		"bare.subject.tmpl": "A note from your account team",
		"bare.txt.tmpl":     "Hi {{.Contact.FirstName}}, just checking in.",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := templates.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func dispatch(touchID int64) engine.Dispatch {
	return engine.Dispatch{
		Touch: engine.Touch{ID: touchID, StepID: "welcome", Channel: tracks.ChannelEmail,
			Due: time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)},
		Track: &tracks.Track{ID: "general-interest", Name: "General Interest"},
		Step: tracks.Step{ID: "welcome", Channel: tracks.ChannelEmail,
			Action: tracks.Action{Template: "welcome"}},
		Contact: engine.Contact{ID: 7, Email: "dana@harborview.example", FirstName: "Dana", LastName: "Whitfield"},
		Rep:     engine.Rep{ID: 3, Name: "Marcus Reyes", Email: "mreyes@summitridge.example"},
		Business: templates.Business{Name: "Summit Ridge Technology",
			Address: "418 Commerce Drive, Suite 200, Fresno, CA 93711"},
		Now: time.Date(2026, 3, 2, 17, 0, 5, 0, time.UTC),
	}
}

func newChannel(t testing.TB, s Sender, edit func(*ChannelConfig)) *Channel {
	t.Helper()
	cfg := ChannelConfig{Templates: testTemplates(t), Sender: s, PublicURL: publicURL + "/",
		Secret: secret, DefaultFrom: "Summit Ridge Technology <hello@summitridge.example>"}
	if edit != nil {
		edit(&cfg)
	}
	c, err := NewChannel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parts reads a message's text parts by content type.
func parts(t *testing.T, m *mail.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	if !strings.HasPrefix(mt, "multipart/") {
		body := m.Body
		if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		out[mt] = string(b)
		return out
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, _ := io.ReadAll(p) // multipart decodes quoted-printable
		out[pt] = string(b)
	}
}

func only(t *testing.T, srv *smtptest.Server) (smtptest.Message, *mail.Message) {
	t.Helper()
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m, err := msgs[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	return msgs[0], m
}

func TestChannelDelivers(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), nil)
	out, err := c.Deliver(t.Context(), dispatch(42))
	if err != nil {
		t.Fatal(err)
	}
	raw, m := only(t, srv)
	if raw.From != "mreyes@summitridge.example" || len(raw.To) != 1 || raw.To[0] != "dana@harborview.example" {
		t.Fatalf("envelope %s → %v", raw.From, raw.To)
	}
	token := Sign(secret, "dana@harborview.example")
	unsub := publicURL + "/u/" + token
	want := map[string]string{
		"From":                  `"Marcus Reyes" <mreyes@summitridge.example>`,
		"To":                    `"Dana Whitfield" <dana@harborview.example>`,
		"Subject":               "Welcome to Summit Ridge Technology, Dana",
		"Message-Id":            "<touch-42@summitridge.example>",
		"List-Unsubscribe":      "<" + unsub + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Date":                  "Mon, 02 Mar 2026 17:00:05 +0000",
	}
	for k, v := range want {
		if got := m.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	p := parts(t, m)
	if !strings.Contains(p["text/plain"], "Hi Dana,") || !strings.Contains(p["text/plain"], "Unsubscribe: "+unsub) {
		t.Errorf("text part:\n%s", p["text/plain"])
	}
	if !strings.Contains(p["text/html"], `href="`+unsub+`"`) || !strings.Contains(p["text/html"], "418 Commerce Drive") {
		t.Errorf("html part:\n%s", p["text/html"])
	}
	if strings.Count(p["text/plain"], "418 Commerce Drive") != 1 || strings.Count(p["text/plain"], unsub) != 1 {
		t.Errorf("the template's own footer was repeated:\n%s", p["text/plain"])
	}
	a := out.Activity // type, rep and due are the engine's to fill
	if a.Subject != "Welcome to Summit Ridge Technology, Dana" ||
		a.Status != engine.ActivityDone || !strings.Contains(a.Notes, "<touch-42@summitridge.example>") {
		t.Errorf("activity = %+v", a)
	}
	if out.MessageID != "<touch-42@summitridge.example>" {
		t.Errorf("outcome's Message-ID = %q, want the one sent, for the touch", out.MessageID)
	}
}

// TestChannelBounceAddress: with a bounce address the envelope sender is
// it, tagged with the touch id, while the From header stays the rep's.
func TestChannelBounceAddress(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), func(c *ChannelConfig) { c.BounceAddress = "bounces@summitridge.example" })
	if _, err := c.Deliver(t.Context(), dispatch(42)); err != nil {
		t.Fatal(err)
	}
	raw, m := only(t, srv)
	if raw.From != "bounces+t42@summitridge.example" || m.Header.Get("From") != `"Marcus Reyes" <mreyes@summitridge.example>` {
		t.Fatalf("MAIL FROM %q, From %q; want the VERP bounce address and the rep", raw.From, m.Header.Get("From"))
	}
	if id, err := ParseVERP("bounces@summitridge.example", raw.From); err != nil || id != 42 {
		t.Fatalf("ParseVERP(%q) = %d, %v", raw.From, id, err)
	}
}

func TestChannelSameTouchSameMessageID(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), nil)
	d := dispatch(42)
	for range 2 { // sent, then the worker crashed before committing: sent again
		if _, err := c.Deliver(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		d.Now = d.Now.Add(time.Minute)
	}
	msgs := srv.Messages()
	var ids []string
	for _, raw := range msgs {
		m, err := raw.Parse()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.Header.Get("Message-Id"))
	}
	if len(ids) != 2 || ids[0] != ids[1] || ids[0] != "<touch-42@summitridge.example>" {
		t.Fatalf("Message-IDs %v, want the same twice", ids)
	}
}

func TestChannelFrom(t *testing.T) {
	tests := []struct {
		name string
		edit func(*engine.Dispatch)
		want string
	}{
		{"the step's sender", func(d *engine.Dispatch) { d.Step.Action.From = "Events Team <events@summitridge.example>" },
			`"Events Team" <events@summitridge.example>`},
		{"the rep", func(*engine.Dispatch) {}, `"Marcus Reyes" <mreyes@summitridge.example>`},
		{"no rep: the default", func(d *engine.Dispatch) { d.Rep = engine.Rep{} },
			`"Summit Ridge Technology" <hello@summitridge.example>`},
		{"rep with a bad address: the default", func(d *engine.Dispatch) { d.Rep.Email = "marcus at summit" },
			`"Summit Ridge Technology" <hello@summitridge.example>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			c := newChannel(t, newSender(t, srv, nil), nil)
			d := dispatch(1)
			tt.edit(&d)
			if _, err := c.Deliver(t.Context(), d); err != nil {
				t.Fatal(err)
			}
			if _, m := only(t, srv); m.Header.Get("From") != tt.want {
				t.Fatalf("From = %q, want %q", m.Header.Get("From"), tt.want)
			}
		})
	}
}

func TestChannelPermanentFailures(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*engine.Dispatch)
		noFrom bool
		want   string
	}{
		{"no address", func(d *engine.Dispatch) { d.Contact.Email = "" }, false, "contact 7 has no email address"},
		{"invalid address", func(d *engine.Dispatch) { d.Contact.Email = "dana at harborview" }, false, `contact 7: invalid email address "dana at harborview"`},
		{"two addresses", func(d *engine.Dispatch) { d.Contact.Email = "a@x.example, b@x.example" }, false, "invalid email address"},
		{"address with a header", func(d *engine.Dispatch) { d.Contact.Email = "dana@harborview.example\r\nBcc: eve@x.example" }, false, "invalid email address"},
		{"bad step sender", func(d *engine.Dispatch) { d.Step.Action.From = "events@" }, false, `track general-interest step welcome: from "events@"`},
		{"no sender at all", func(d *engine.Dispatch) { d.Rep = engine.Rep{} }, true, "no sender"},
		{"missing template", func(d *engine.Dispatch) { d.Step.Action.Template = "nope" }, false, `email template "nope"`},
		{"subject with a line break", func(d *engine.Dispatch) { d.Contact.FirstName = "Dana\r\nBcc: eve@x.example" }, false, "single line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			c := newChannel(t, newSender(t, srv, nil), func(cfg *ChannelConfig) {
				if tt.noFrom {
					cfg.DefaultFrom = ""
				}
			})
			d := dispatch(1)
			tt.edit(&d)
			_, err := c.Deliver(t.Context(), d)
			if !engine.IsPermanent(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a permanent error containing %q", err, tt.want)
			}
			if srv.Count() != 0 || srv.Connections() != 0 {
				t.Fatalf("SMTP was used: %d messages, %d connections", srv.Count(), srv.Connections())
			}
		})
	}
}

func TestChannelHeaderInjection(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), nil)
	d := dispatch(5)
	d.Step.Action.Template = "bare"
	d.Contact.FirstName = "Dana\r\nBcc: eve@evil.example\r\nX-Injected: to"
	d.Rep.Name = "Marcus\r\nX-Injected: from\nReply-To: eve@evil.example"
	if _, err := c.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	raw, m := only(t, srv)
	if len(raw.To) != 1 || raw.To[0] != "dana@harborview.example" {
		t.Fatalf("recipients %v", raw.To)
	}
	for _, h := range []string{"Bcc", "X-Injected", "Reply-To"} {
		if v := m.Header.Get(h); v != "" {
			t.Errorf("injected header %s: %q", h, v)
		}
	}
	head, _, _ := strings.Cut(string(raw.Data), "\r\n\r\n")
	for line := range strings.SplitSeq(head, "\r\n") {
		if strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "X-Injected:") || strings.HasPrefix(line, "Reply-To:") {
			t.Errorf("injected header line %q", line)
		}
	}
	from, err := m.Header.AddressList("From")
	if err != nil || from[0].Address != "mreyes@summitridge.example" || !strings.Contains(from[0].Name, "X-Injected") {
		t.Errorf("From = %v, %v: want the name kept, encoded", from, err)
	}
}

func TestChannelAddsFooter(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), nil)
	d := dispatch(9)
	d.Step.Action.Template = "bare"
	_, err := c.Deliver(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	_, m := only(t, srv)
	p := parts(t, m)
	if len(p) != 1 {
		t.Fatalf("parts %v, want text/plain alone", p)
	}
	text := p["text/plain"]
	if !strings.Contains(text, "Summit Ridge Technology, 418 Commerce Drive, Suite 200, Fresno, CA 93711") ||
		!strings.Contains(text, "Unsubscribe: "+c.UnsubscribeURL("dana@harborview.example")) {
		t.Fatalf("footer missing:\n%s", text)
	}
}

func TestChannelPlainHTTPPublicURL(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), func(cfg *ChannelConfig) { cfg.PublicURL = "http://127.0.0.1:8080" })
	if _, err := c.Deliver(t.Context(), dispatch(1)); err != nil {
		t.Fatal(err)
	}
	_, m := only(t, srv)
	if got := m.Header.Get("List-Unsubscribe"); !strings.HasPrefix(got, "<http://127.0.0.1:8080/u/") {
		t.Fatalf("List-Unsubscribe = %q", got)
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "" {
		t.Fatalf("List-Unsubscribe-Post = %q without https", got)
	}
}

func TestChannelSMTPErrors(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), nil)

	srv.FailRcpt("dana@harborview.example", 550)
	_, err := c.Deliver(t.Context(), dispatch(1))
	var sup *engine.SuppressError
	if !errors.As(err, &sup) || sup.Email != "dana@harborview.example" || sup.Reason != "hard_bounce" {
		t.Fatalf("hard bounce: %v", err)
	}

	srv.Clear()
	srv.FailNext(smtptest.Rcpt, 1, 451)
	if _, err := c.Deliver(t.Context(), dispatch(2)); err == nil || engine.IsPermanent(err) {
		t.Fatalf("4xx: %v, want a temporary error", err)
	}
	if _, err := c.Deliver(t.Context(), dispatch(2)); err != nil {
		t.Fatalf("retry after 4xx: %v", err)
	}

	srv.FailNext(smtptest.Data, 1, 554)
	if _, err := c.Deliver(t.Context(), dispatch(3)); !engine.IsPermanent(err) || errors.As(err, &sup) {
		t.Fatalf("5xx on DATA: %v, want permanent without suppression", err)
	}
}

func TestNewChannelRefuses(t *testing.T) {
	set := testTemplates(t)
	fs, err := NewFileSender(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	good := ChannelConfig{Templates: set, Sender: fs, PublicURL: publicURL, Secret: secret}
	tests := map[string]func(*ChannelConfig){
		"no templates":    func(c *ChannelConfig) { c.Templates = nil },
		"no sender":       func(c *ChannelConfig) { c.Sender = nil },
		"no secret":       func(c *ChannelConfig) { c.Secret = nil },
		"empty secret":    func(c *ChannelConfig) { c.Secret = []byte{} },
		"no scheme":       func(c *ChannelConfig) { c.PublicURL = "crm.example.com" },
		"ftp":             func(c *ChannelConfig) { c.PublicURL = "ftp://crm.example.com" },
		"no host":         func(c *ChannelConfig) { c.PublicURL = "https:///x" },
		"query":           func(c *ChannelConfig) { c.PublicURL = "https://crm.example.com/?a=b" },
		"space":           func(c *ChannelConfig) { c.PublicURL = "https://crm.example.com/a b" },
		"angle bracket":   func(c *ChannelConfig) { c.PublicURL = "https://crm.example.com/a>b" },
		"bad default":     func(c *ChannelConfig) { c.DefaultFrom = "hello@" },
		"bad domain":      func(c *ChannelConfig) { c.Domain = "a b>" },
		"domain with a @": func(c *ChannelConfig) { c.Domain = "x@y" },
		"bounce with a +": func(c *ChannelConfig) { c.BounceAddress = "bounces+x@example.com" },
	}
	for name, edit := range tests {
		cfg := good
		edit(&cfg)
		if _, err := NewChannel(cfg); err == nil {
			t.Errorf("%s: NewChannel succeeded", name)
		}
	}
	c, err := NewChannel(good)
	if err != nil || c.domain != "localhost" {
		t.Fatalf("defaults: %v, domain %q", err, c.domain)
	}
}
