package templates

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeDir writes files into a new temporary folder and returns it.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDefault(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if len(s.Names(KindEmail)) == 0 || len(s.Names(KindLetter)) == 0 {
		t.Fatalf("Default has %d emails and %d letters; want some of each",
			len(s.Names(KindEmail)), len(s.Names(KindLetter)))
	}
	for _, name := range s.Names(KindEmail) {
		if !s.Has(KindEmail, name) || s.Has(KindLetter, name+"-nope") {
			t.Errorf("Has disagrees with Names for %q", name)
		}
	}
	if got := s.Names("fax"); got != nil {
		t.Errorf("Names(fax) = %v, want nil", got)
	}
	if s.Has("fax", "gi-welcome") {
		t.Error(`Has("fax", …) = true`)
	}
	if same, _ := Load(""); same != s {
		t.Error(`Load("") is not the default set`)
	}
}

func TestLoadOverride(t *testing.T) {
	s, err := Load("testdata/override")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	def, _ := Default()
	if want := len(def.Names(KindEmail)) + 1; len(s.Names(KindEmail)) != want {
		t.Errorf("override set has %d emails, want %d (defaults plus one)", len(s.Names(KindEmail)), want)
	}
	e, err := s.Email("gi-welcome", Sample())
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "Welcome to Summit Ridge Technology, Dana" || e.HTML != "" {
		t.Errorf("override gi-welcome = %q with HTML %q; want the folder's subject and no HTML part", e.Subject, e.HTML)
	}
	if orig, _ := def.Email("gi-welcome", Sample()); orig.HTML == "" || orig.Subject == e.Subject {
		t.Error("loading an override changed the default set")
	}
	if !s.Has(KindEmail, "spring-promo") || !s.Has(KindLetter, "spring-promo") {
		t.Error("templates only in the folder are missing")
	}
	if got, err := s.Letter("spring-promo", Sample()); err != nil || !strings.HasPrefix(got, "Dear Dana,\n") {
		t.Errorf("Letter(spring-promo) = %q, %v", got, err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // each must appear in the error, in this order
	}{{
		name:  "parse error names file and line",
		files: map[string]string{"a.subject.tmpl": "Hi", "a.txt.tmpl": "Hello\n{{if .Contact.FirstName}}\nno end\n"},
		want:  []string{"a.txt.tmpl:4: unexpected EOF"},
	}, {
		name:  "missing merge field",
		files: map[string]string{"a.subject.tmpl": "Hi", "a.txt.tmpl": "Hello\n{{.Contact.Nickname}}\n"},
		want:  []string{"a.txt.tmpl:2:10: at <.Contact.Nickname>: can't evaluate field Nickname"},
	}, {
		name:  "missing merge field in a letter",
		files: map[string]string{"b.letter.tmpl": "Dear {{.Contact.FirstName}},\n{{.Rep.Nmae}}\n"},
		want:  []string{"b.letter.tmpl:2:6: at <.Rep.Nmae>: can't evaluate field Nmae"},
	}, {
		name:  "undefined function",
		files: map[string]string{"a.subject.tmpl": "{{upper .Contact.FirstName}}", "a.txt.tmpl": "x"},
		want:  []string{"a.subject.tmpl:1: function \"upper\" not defined"},
	}, {
		name:  "email without text part",
		files: map[string]string{"a.subject.tmpl": "Hi", "a.html.tmpl": "<p>Hi</p>"},
		want:  []string{"a.html.tmpl: email \"a\" has no a.txt.tmpl (every email needs a plain-text part)"},
	}, {
		name:  "email without subject",
		files: map[string]string{"a.txt.tmpl": "Hi"},
		want:  []string{"a.txt.tmpl: email \"a\" has no a.subject.tmpl"},
	}, {
		name:  "subject on two lines",
		files: map[string]string{"a.subject.tmpl": "Hello\nBcc: all@example.com", "a.txt.tmpl": "x"},
		want:  []string{"a.subject.tmpl: subject \"Hello\\nBcc: all@example.com\" must be a single line"},
	}, {
		name:  "subject empty for a contact without a company",
		files: map[string]string{"a.subject.tmpl": "{{.Contact.Company}}", "a.txt.tmpl": "x"},
		want:  []string{"a.subject.tmpl: subject is empty (with empty merge data"},
	}, {
		name:  "custom field the contact may lack",
		files: map[string]string{"c.letter.tmpl": "Seats: {{.Contact.Custom.seats}}"},
		want:  []string{"c.letter.tmpl:1:17: at <.Contact.Custom.seats>: map has no entry for key \"seats\" (with empty merge data"},
	}, {
		name:  "empty letter",
		files: map[string]string{"d.letter.tmpl": "{{/* nothing */}}\n"},
		want:  []string{"d.letter.tmpl: renders empty"},
	}, {
		name:  "unknown kind of file and bad name, all reported",
		files: map[string]string{"a.sms.tmpl": "x", "Big.letter.tmpl": "x", "e.letter.tmpl": "{{.Nope}}"},
		want: []string{
			"Big.letter.tmpl: template name \"Big\": expected lowercase",
			"a.sms.tmpl: unknown kind of template file: expected NAME.subject.tmpl",
			"e.letter.tmpl:1:2: at <.Nope>: can't evaluate field Nope in type templates.Data",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, tt.files)
			s, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded; want an error")
			}
			if s != nil {
				t.Error("Load returned a set along with the error")
			}
			msg := err.Error()
			at := 0
			for _, want := range tt.want {
				want = filepath.Join(dir, want)
				i := strings.Index(msg[at:], want)
				if i < 0 {
					t.Fatalf("error\n%s\ndoes not contain (in order)\n%s", msg, want)
				}
				at += i + len(want)
			}
			if n := strings.Count(msg, "\n") + 1; n != len(tt.want) {
				t.Errorf("error has %d lines, want %d:\n%s", n, len(tt.want), msg)
			}
			var te *Error
			if !errors.As(err, &te) || !strings.HasPrefix(te.File, dir) {
				t.Errorf("error %v is not an *Error naming a file in the folder", err)
			}
		})
	}
}

func TestLoadIgnoresOtherFiles(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"general-interest.yaml": "id: x",
		".hidden.letter.tmpl":   "{{.Broken",
		"README.md":             "notes",
	})
	if err := os.Mkdir(filepath.Join(dir, "old.letter.tmpl"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	def, _ := Default()
	if !slices.Equal(s.Names(KindLetter), def.Names(KindLetter)) {
		t.Errorf("letters = %v, want the defaults", s.Names(KindLetter))
	}
}

func TestLoadMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Load(%s) = %v; want an error naming the folder", dir, err)
	}
}
