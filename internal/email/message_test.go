package email

import (
	"net/mail"
	"strings"
	"testing"

	"github.com/dripline/dripline/templates"
)

func TestBuildSubjectIsOneLine(t *testing.T) {
	m := build(envelope{
		id: "touch-1@example.com", from: &mail.Address{Address: "a@example.com"},
		to: &mail.Address{Address: "b@example.com"}, unsubscribe: publicURL + "/u/x",
	}, templates.Email{Subject: "Hello\r\nBcc: eve@evil.example\n\tX: y", Text: "body\n"})
	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	pm, err := mail.ReadMessage(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got := pm.Header.Get("Subject"); got != "Hello Bcc: eve@evil.example X: y" || pm.Header.Get("Bcc") != "" {
		t.Fatalf("Subject %q, Bcc %q", got, pm.Header.Get("Bcc"))
	}
}

func TestWithFooter(t *testing.T) {
	b := templates.Business{Name: "Summit Tech", Address: "1 Main St, Fresno, CA"}
	const u = "https://crm.example/u/tok"
	tests := []struct {
		name     string
		in       templates.Email
		b        templates.Business
		text     string
		htmlPart string
	}{
		{"template has both", templates.Email{Text: "Hi\n\nSummit Tech, 1 Main St, Fresno, CA\n" + u + "\n"}, b,
			"Hi\n\nSummit Tech, 1 Main St, Fresno, CA\n" + u + "\n", ""},
		{"template has neither", templates.Email{Text: "Hi\n"}, b,
			"Hi\n\n--\nSummit Tech, 1 Main St, Fresno, CA\nUnsubscribe: " + u + "\n", ""},
		{"no business address configured", templates.Email{Text: "Hi\n"}, templates.Business{},
			"Hi\n\n--\nUnsubscribe: " + u + "\n", ""},
		{"address without a name", templates.Email{Text: "Hi " + u + "\n"}, templates.Business{Address: "1 Main St"},
			"Hi " + u + "\n\n--\n1 Main St\n", ""},
		{"html gets its own footer before </body>", templates.Email{Text: "Hi " + u + " 1 Main St, Fresno, CA", HTML: "<html><BODY><p>Hi</p></BODY></html>"}, b,
			"Hi " + u + " 1 Main St, Fresno, CA",
			`<html><BODY><p>Hi</p><p style="font-size:12px;color:#666">Summit Tech, 1 Main St, Fresno, CA<br><a href="` + u + `">Unsubscribe</a></p>` + "\n</BODY></html>"},
		{"html fragment, footer appended", templates.Email{Text: u + " 1 <Main> St", HTML: `<p><a href="` + u + `">x</a></p>`}, templates.Business{Address: "1 <Main> St"},
			u + " 1 <Main> St", `<p><a href="` + u + `">x</a></p><p style="font-size:12px;color:#666">1 &lt;Main&gt; St</p>` + "\n"},
	}
	for _, tt := range tests {
		got := withFooter(tt.in, tt.b, u)
		if got.Text != tt.text {
			t.Errorf("%s: text\n%q\nwant\n%q", tt.name, got.Text, tt.text)
		}
		if got.HTML != tt.htmlPart {
			t.Errorf("%s: html\n%q\nwant\n%q", tt.name, got.HTML, tt.htmlPart)
		}
	}
}

func TestOneLine(t *testing.T) {
	tests := map[string]string{
		"Hello":                 "Hello",
		"  two  spaces ":        "two spaces",
		"a\r\nBcc: x":           "a Bcc: x",
		"tab\there\x00nul\x7f!": "tab here nul !",
		"":                      "",
	}
	for in, want := range tests {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHardBounce(t *testing.T) {
	tests := []struct {
		code     int
		enhanced string
		want     bool
	}{
		{550, "5.1.1", true},  // user unknown
		{550, "5.1.10", true}, // null MX
		{553, "5.1.3", true},  // bad address syntax
		{550, "5.2.1", true},  // mailbox disabled
		{552, "5.2.2", false}, // mailbox full
		{554, "5.7.1", false}, // relay denied, spam block
		{550, "5.7.1", false},
		{530, "5.7.0", false}, // authentication required
		{550, "", true},
		{551, "", true},
		{553, "", true},
		{554, "", false},
		{552, "", false},
	}
	for _, tt := range tests {
		if got := hardBounce(tt.code, tt.enhanced); got != tt.want {
			t.Errorf("hardBounce(%d, %q) = %v, want %v", tt.code, tt.enhanced, got, tt.want)
		}
	}
}

func TestMessageID(t *testing.T) {
	if got := MessageID(42, "summit.example"); got != "touch-42@summit.example" {
		t.Fatalf("MessageID = %q", got)
	}
	if a, b := boundary("touch-1@x"), boundary("touch-1@x"); a != b || a == boundary("touch-2@x") {
		t.Fatal("boundary must follow the Message-ID")
	}
}
