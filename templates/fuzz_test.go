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
