package main

import (
	"context"
	"flag"
	"net/mail"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/pgtest"
)

const sampleAddress = "dana.whitfield@harborviewdental.example"

// hasLine reports whether out has a line equal to want.
func hasLine(out, want string) bool {
	for line := range strings.Lines(out) {
		if strings.TrimSuffix(line, "\n") == want {
			return true
		}
	}
	return false
}

func TestTemplatesPreviewSample(t *testing.T) {
	t.Parallel()
	code, out, errs := runDripline(t, "templates", "preview", "gi-welcome", "--sample",
		"--public-url", "https://mail.example.com", "--secret", "s3cret")
	if code != 0 {
		t.Fatalf("preview gi-welcome: exit %d, stderr %q", code, errs)
	}
	unsubscribe := "https://mail.example.com/u/" + email.Sign([]byte("s3cret"), sampleAddress)
	if !strings.HasPrefix(out, "From: Marcus Reyes <mreyes@summitridgetech.example>\nTo: Dana Whitfield <"+sampleAddress+">\nSubject: ") {
		t.Errorf("preview gi-welcome: header lines wrong:\n%s", out)
	}
	for _, want := range []string{"Hi Dana,", "--- html ---", "<p>Hi Dana,</p>"} {
		if !hasLine(out, want) {
			t.Errorf("preview gi-welcome: no line %q in\n%s", want, out)
		}
	}
	if text, _, _ := strings.Cut(out, "--- html ---"); !strings.Contains(text, "Unsubscribe: "+unsubscribe) {
		t.Errorf("preview gi-welcome: text part lacks the channel's unsubscribe link %s:\n%s", unsubscribe, text)
	}

	code, out, errs = runDripline(t, "templates", "preview", "--sample", "birthday")
	if code != 0 || !strings.HasPrefix(out, "Dear Dana,\n") || !hasLine(out, "Marcus Reyes") || strings.Contains(out, "Subject:") {
		t.Errorf("preview birthday: exit %d, stderr %q, stdout\n%s", code, errs, out)
	}

	code, out, errs = runDripline(t, "templates", "preview", "acct-intro", "--sample", "--format", "eml")
	if code != 0 {
		t.Fatalf("preview --format eml: exit %d, stderr %q", code, errs)
	}
	msg, err := mail.ReadMessage(strings.NewReader(out))
	if err != nil {
		t.Fatalf("preview --format eml: not a message: %v\n%s", err, out)
	}
	h := msg.Header
	if h.Get("Message-ID") != "<touch-0@example.com>" || !strings.HasPrefix(h.Get("List-Unsubscribe"), "<http://127.0.0.1:8080/u/") ||
		h.Get("Subject") == "" || !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("preview --format eml: headers %v", h)
	}
	if !strings.Contains(errs, "touch id 0") {
		t.Errorf("preview --format eml: stderr %q does not say the touch id is 0", errs)
	}
	if code, _, errs = runDripline(t, "templates", "preview", "birthday", "--sample", "--format", "eml"); code != 1 || !strings.Contains(errs, "birthday is a letter") {
		t.Errorf("preview a letter as eml: exit %d, stderr %q", code, errs)
	}
}

func TestTemplatesPreviewBothKinds(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"promo.subject.tmpl": "Spring promo",
		"promo.txt.tmpl":     "Hello {{.Contact.FirstName}} by email.\n{{.UnsubscribeURL}}\n{{.Business.Address}}\n",
		"promo.letter.tmpl":  "Hello {{.Contact.FirstName}} on paper.\n",
	})
	code, out, errs := runDripline(t, "templates", "preview", "promo", "--sample", "--templates", dir)
	if code != 0 || !hasLine(out, "Subject: Spring promo") || !hasLine(out, "Hello Dana by email.") || !strings.Contains(errs, "both an email and a letter") {
		t.Errorf("preview promo: exit %d, stderr %q, stdout\n%s", code, errs, out)
	}
	code, out, errs = runDripline(t, "templates", "preview", "promo", "--sample", "--templates", dir, "--kind", "letter")
	if code != 0 || out != "Hello Dana on paper.\n\nSincerely,\n\nMarcus Reyes\nAccount Executive\n(559) 555-0142\n" || errs != "" {
		t.Errorf("preview promo --kind letter: exit %d, stderr %q, stdout %q", code, errs, out)
	}
}

func TestTemplatesPreviewErrors(t *testing.T) {
	t.Parallel()
	code, out, errs := runDripline(t, "templates", "preview", "gi-welcom", "--sample")
	if code != 1 || out != "" || errs != `dripline templates: no email or letter template "gi-welcom"; close names: gi-welcome (email)`+"\n" {
		t.Errorf("unknown template: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, errs = runDripline(t, "templates", "preview", "zzz", "--sample"); code != 1 || !strings.Contains(errs, "templates list") {
		t.Errorf("unknown template, nothing close: exit %d, stderr %q", code, errs)
	}
	if code, _, errs = runDripline(t, "templates", "preview", "gi-welcome", "--sample", "--kind", "letter"); code != 1 || !strings.Contains(errs, `no letter template "gi-welcome"`) {
		t.Errorf("--kind letter of an email: exit %d, stderr %q", code, errs)
	}
	for _, args := range [][]string{
		{"templates"}, {"templates", "show"}, {"templates", "preview", "--sample"},
		{"templates", "preview", "a", "b", "--sample"}, {"templates", "preview", "gi-welcome"},
		{"templates", "preview", "gi-welcome", "--sample", "--contact", "c-1"},
		{"templates", "preview", "gi-welcome", "--sample", "--format", "pdf"},
		{"templates", "preview", "gi-welcome", "--sample", "--kind", "fax"},
		{"templates", "list", "extra"},
	} {
		if code, _, _ := runDripline(t, args...); code != 2 {
			t.Errorf("dripline %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

func TestTemplatesList(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"promo.subject.tmpl": "Hi", "promo.txt.tmpl": "Hi\n", "promo.letter.tmpl": "Hi\n"})
	code, out, errs := runDripline(t, "templates", "list", "--templates", dir)
	if code != 0 {
		t.Fatalf("templates list: exit %d, stderr %q", code, errs)
	}
	var rows [][]string
	for line := range strings.Lines(out) {
		rows = append(rows, strings.Fields(line))
	}
	for _, want := range [][]string{
		{"NAME", "KIND", "HTML"}, {"gi-welcome", "email", "yes"}, {"acct-intro", "email", "yes"},
		{"birthday", "letter", "-"}, {"promo", "email", "no"}, {"promo", "letter", "-"},
	} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
			t.Errorf("templates list: no row %v in\n%s", want, out)
		}
	}
}

func TestTemplatesPreviewContact(t *testing.T) {
	t.Parallel()
	db := pgtest.URL(t)
	createRep(t, db, crm.RepFields{Username: "alice", Name: "Alice Moreno", Email: "alice@dealer.example", Signature: "Alice Moreno\nSummit"})
	contacts := filepath.Join(writeFiles(t, map[string]string{
		"contacts.csv": "external_id,email,first_name,last_name,company,owner,status\n" +
			"c-1,ann@example.com,Ann,Lee,Lee Dental,alice,prospect\n" +
			"c-2,,Bo,Ng,,alice,prospect\n",
	}), "contacts.csv")
	if code, _, errs := runDripline(t, "contacts", "import", contacts, "--database-url", db); code != 0 {
		t.Fatalf("contacts import: exit %d, stderr %q", code, errs)
	}

	code, out, errs := runDripline(t, "templates", "preview", "gi-welcome", "--contact", "c-1", "--database-url", db)
	if code != 0 {
		t.Fatalf("preview --contact c-1: exit %d, stderr %q", code, errs)
	}
	unsubscribe := "http://127.0.0.1:8080/u/" + email.Sign([]byte(config.DevSecret), "ann@example.com")
	if !strings.HasPrefix(out, "From: Alice Moreno <alice@dealer.example>\nTo: Ann Lee <ann@example.com>\nSubject: ") ||
		!hasLine(out, "Hi Ann,") || !strings.Contains(out, "Unsubscribe: "+unsubscribe) || !strings.Contains(out, "Lee Dental") {
		t.Errorf("preview --contact c-1:\n%s", out)
	}

	code, out, errs = runDripline(t, "templates", "preview", "birthday", "--contact", "ann@example.com", "--database-url", db)
	if code != 0 || !strings.HasPrefix(out, "Dear Ann,\n") || !hasLine(out, "Alice Moreno") {
		t.Errorf("preview birthday --contact ann@example.com: exit %d, stderr %q, stdout\n%s", code, errs, out)
	}
	if code, out, _ = runDripline(t, "templates", "preview", "birthday", "--contact", "c-2", "--database-url", db); code != 0 || !strings.HasPrefix(out, "Dear Bo,\n") {
		t.Errorf("letter to a contact without email: exit %d, stdout %q", code, out)
	}
	if code, _, errs = runDripline(t, "templates", "preview", "gi-welcome", "--contact", "c-2", "--database-url", db); code != 1 || !strings.Contains(errs, "has no email address") {
		t.Errorf("email to a contact without email: exit %d, stderr %q", code, errs)
	}
	if code, _, errs = runDripline(t, "templates", "preview", "gi-welcome", "--contact", "nobody", "--database-url", db); code != 1 || !strings.Contains(errs, `contact "nobody": not found`) {
		t.Errorf("unknown contact: exit %d, stderr %q", code, errs)
	}
}

// createRep adds a rep to the database at url through the CRM store.
func createRep(t *testing.T, url string, f crm.RepFields) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg := config.Bind(fs)
	if err := fs.Parse([]string{"--database-url", url}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := openRuntime(ctx, cfg, runtimeOptions{access: readWrite})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if _, err := rt.crm.CreateRep(ctx, crm.System, f); err != nil {
		t.Fatal(err)
	}
}
