package templates

import (
	"errors"
	"strings"
	"testing"
)

// testSet loads the default templates plus files written to a temporary folder.
func testSet(t *testing.T, files map[string]string) *Set {
	t.Helper()
	s, err := Load(writeDir(t, files))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func TestEmailEscaping(t *testing.T) {
	s := testSet(t, map[string]string{
		"x.subject.tmpl": "Hi {{.Contact.FirstName}}",
		"x.txt.tmpl":     "Hi {{.Contact.FirstName}} from {{.Contact.Company}}",
		"x.html.tmpl":    `<p>Hi {{.Contact.FirstName}} from {{.Contact.Company}}</p><a href="{{.UnsubscribeURL}}">Unsubscribe</a>`,
	})
	d := Sample()
	d.Contact.FirstName = "<script>alert(1)</script>"
	d.Contact.Company = `Smith & "Sons"`
	d.UnsubscribeURL = "javascript:alert(2)"
	e, err := s.Email("x", d)
	if err != nil {
		t.Fatal(err)
	}
	wantHTML := `<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; from Smith &amp; &#34;Sons&#34;</p><a href="#ZgotmplZ">Unsubscribe</a>` + "\n"
	if e.HTML != wantHTML {
		t.Errorf("HTML =\n%s\nwant\n%s", e.HTML, wantHTML)
	}
	if want := "Hi <script>alert(1)</script> from Smith & \"Sons\"\n"; e.Text != want {
		t.Errorf("Text = %q, want %q", e.Text, want)
	}
	if want := "Hi <script>alert(1)</script>"; e.Subject != want {
		t.Errorf("Subject = %q, want %q", e.Subject, want)
	}
}

func TestSubjectRefusesLineBreaks(t *testing.T) {
	s := testSet(t, map[string]string{
		"x.subject.tmpl": "Quick question, {{.Contact.FirstName}}\n",
		"x.txt.tmpl":     "Hello",
	})
	tests := []struct {
		first   string
		want    string
		wantErr bool
	}{
		{first: "Dana", want: "Quick question, Dana"},
		{first: "Dana  ", want: "Quick question, Dana"},
		{first: "Dana\r\nBcc: everyone@example.com", wantErr: true},
		{first: "Dana\nBcc: everyone@example.com", wantErr: true},
		{first: "Dana\rX", wantErr: true},
		{first: "Dana\x00", wantErr: true},
		{first: "Dana\u0085Bcc: x", wantErr: true},
	}
	for _, tt := range tests {
		d := Sample()
		d.Contact.FirstName = tt.first
		e, err := s.Email("x", d)
		if tt.wantErr {
			var te *Error
			if err == nil || !errors.As(err, &te) || !strings.Contains(te.Msg, "must be a single line") {
				t.Errorf("FirstName %q: err = %v, want a single-line error", tt.first, err)
			}
			continue
		}
		if err != nil || e.Subject != tt.want {
			t.Errorf("FirstName %q: subject %q, %v; want %q", tt.first, e.Subject, err, tt.want)
		}
	}
}

func TestNotFound(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Email("no-such-email", Sample()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Email(no-such-email) err = %v, want ErrNotFound", err)
	}
	if _, err := s.Letter("no-such-letter", Sample()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Letter(no-such-letter) err = %v, want ErrNotFound", err)
	}
}

func TestLetterHasNoUnsubscribeURL(t *testing.T) {
	s := testSet(t, map[string]string{"l.letter.tmpl": "Dear {{.Contact.FirstName}},\n[{{.UnsubscribeURL}}]\n"})
	got, err := s.Letter("l", Sample())
	if err != nil {
		t.Fatal(err)
	}
	if want := "Dear Dana,\n[]\n"; got != want {
		t.Errorf("Letter = %q, want %q", got, want)
	}
}

func TestRenderText(t *testing.T) {
	tests := []struct {
		text    string
		want    string
		wantErr string
	}{
		{text: "4-day check-in with {{.Contact.FirstName}}", want: "4-day check-in with Dana"},
		{text: "Call {{.Contact.FirstName}} {{.Contact.LastName}} at {{.Contact.Company}}", want: "Call Dana Whitfield at Harborview Family Dental"},
		{text: "Seats: {{index .Contact.Custom \"seats\"}}; badge: [{{index .Contact.Custom \"badge\"}}]", want: "Seats: 24; badge: []"},
		{text: "{{.Track.Name}} / {{.Step}} / {{.Event.Item}}", want: "General Interest / welcome / Managed IT Services agreement"},
		{text: "no fields at all", want: "no fields at all"},
		{text: "", want: ""},
		{text: "{{.Contact.Nickname}}", wantErr: "subj:1:10: at <.Contact.Nickname>: can't evaluate field Nickname in type templates.Contact"},
		{text: "{{.Contact.Custom.badge}}", wantErr: "subj:1:10: at <.Contact.Custom.badge>: map has no entry for key \"badge\""},
		{text: "{{if}}", wantErr: "subj:1: missing value for if"},
		{text: "x {{range 2000000}}{{end}}", wantErr: "subj:1:10: range is not supported"},
		{text: "{{if .Step}}\n{{template \"x\"}}{{end}}", wantErr: "subj:2:11: template is not supported"},
		{text: "{{define \"x\"}}a{{end}}b", wantErr: "subj: define and block are not supported"},
		{text: "{{define \"x\"}}a{{end}}", wantErr: "subj: define and block are not supported"},
		{text: "{{block \"x\" .}}a{{end}}", wantErr: "subj: define and block are not supported"},
	}
	for _, tt := range tests {
		got, err := RenderText("subj", tt.text, Sample())
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("RenderText(%q) err = %v, want %q", tt.text, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("RenderText(%q) = %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}
}

func TestOutputCap(t *testing.T) {
	_, err := RenderText("big", `{{printf "%900000s" "a"}}{{printf "%900000s" "b"}}`, Sample())
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}
