package templates

import "testing"

func FuzzRenderText(f *testing.F) {
	for _, seed := range []string{
		"4-day check-in with {{.Contact.FirstName}}",
		"{{or .Contact.Company \"your team\"}}",
		"{{with .Event.Item}}{{.}}{{else}}none{{end}}",
		"{{index .Contact.Custom \"seats\"}}",
		"{{range $i, $e := .Contact.Custom}}{{$i}}={{$e}} {{end}}",
		"{{define \"a\"}}x{{end}}{{template \"a\"}}",
		"{{$x := len .Contact.Email}}{{if gt $x 3}}{{slice .Contact.Email 0 3}}{{end}}",
		"{{printf \"%900000s\" .Step}}",
		"{{printf \"%v\" .}}",
		"{{.Contact.Nickname}}",
		"{{if",
		"{{/* comment */}}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out, err := RenderText("fuzz", text, Sample())
		if err != nil && out != "" {
			t.Errorf("RenderText(%q) returned output %q with error %v", text, out, err)
		}
		if len(out) > MaxOutput {
			t.Errorf("RenderText(%q) returned %d bytes, more than MaxOutput", text, len(out))
		}
	})
}

// FuzzAppendEmailOutcome: two contacts whose keys for an email are the same
// render it both or fail both, whatever the email's subject and their
// first names and companies.
func FuzzAppendEmailOutcome(f *testing.F) {
	f.Add(`Hi {{.Contact.FirstName}}`, "Pat", "Ann", "Acme", "Müller & Söhne")
	f.Add(`{{if .Contact.FirstName}}{{.Contact.FirstName}}{{else}}Hi{{end}}`, "Pat", "  ", "", "x")
	f.Add(`{{with .Contact.Company}}{{.}}{{end}} for {{or .Contact.FirstName "you"}}`, "a\tb", "Pat", "Acme", "\a")
	f.Add(`{{if eq .Contact.FirstName "Pat"}} {{else}}Hi{{end}}`, "Pat", "Ann", "", "")
	f.Add(`{{$n := .Contact.Company}}{{if $n}}Hi {{$n}}{{else}}Hi{{end}}`, "", "", "Acme", "\u2028")
	f.Fuzz(func(t *testing.T, subject, first1, first2, company1, company2 string) {
		s, err := Load(writeDir(t, map[string]string{"f.subject.tmpl": subject, "f.txt.tmpl": "Hello {{.Contact.Company}}"}))
		if err != nil {
			return
		}
		d1, d2 := Sample(), Sample()
		d1.Contact.FirstName, d1.Contact.Company = first1, company1
		d2.Contact.FirstName, d2.Contact.Company = first2, company2
		k1, _ := s.AppendEmailOutcome(nil, "f", d1)
		k2, _ := s.AppendEmailOutcome(nil, "f", d2)
		if string(k1) != string(k2) {
			return
		}
		_, err1 := s.Email("f", d1)
		_, err2 := s.Email("f", d2)
		if (err1 == nil) != (err2 == nil) {
			t.Errorf("subject %q: keys alike (%q) but renders differ: %v and %v", subject, k1, err1, err2)
		}
	})
}
