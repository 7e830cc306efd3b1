package templates

import (
	"maps"
	"reflect"
	"testing"
)

// mutations returns d changed in one place each: every string field made
// longer, emptied, blank, and given a tab and a bell, and the custom fields
// gone, emptied, added to and changed.
func mutations(d Data) []Data {
	var out []Data
	var walk func(path []int, t reflect.Type)
	walk = func(path []int, t reflect.Type) {
		for i := range t.NumField() {
			p := append(path[:len(path):len(path)], i)
			switch t.Field(i).Type.Kind() {
			case reflect.Struct:
				walk(p, t.Field(i).Type)
			case reflect.String:
				f := reflect.ValueOf(&d).Elem().FieldByIndex(p).String()
				for _, v := range []string{f + " changed", "", "  ", "a\tb", "\a"} {
					m := d
					m.Contact.Custom = maps.Clone(d.Contact.Custom)
					reflect.ValueOf(&m).Elem().FieldByIndex(p).SetString(v)
					out = append(out, m)
				}
			}
		}
	}
	walk(nil, reflect.TypeFor[Data]())
	for _, custom := range []map[string]string{nil, {}, {"seats": "24", "current_provider": "in-house", "plan": "gold"}, {"seats": "25", "current_provider": "in-house"}} {
		m := d
		m.Contact.Custom = custom
		out = append(out, m)
	}
	return out
}

// outcomeSet is the default emails and templates that read through with,
// variables, $, index and a whole struct (printing only a field of it), test
// a value with eq, alone and nested, print a name alone as the subject or
// only in the html part, and print it as printf builds it.
func outcomeSet(t *testing.T) *Set {
	return testSet(t, map[string]string{
		"with.subject.tmpl":   `{{with .Contact}}{{.FirstName}}{{end}} at {{.Business.Name}}`,
		"with.txt.tmpl":       `{{$r := .Rep}}{{with .Business}}{{$r.Name}} in {{$.Contact.City}} for {{.Phone}}{{else}}none{{end}}`,
		"with.html.tmpl":      `<p>{{with .Contact.Custom}}{{index . "plan"}}{{end}} {{printf "%s" .Event.Item}}</p>`,
		"dot.subject.tmpl":    `Hello`,
		"dot.txt.tmpl":        `Data: {{if .Step}}{{.}}{{end}}`,
		"dollar.subject.tmpl": `Hi`,
		"dollar.txt.tmpl":     `{{with .Track}}{{$}}{{end}}`,
		"eq.subject.tmpl":     `{{if eq .Contact.FirstName "Dana changed"}} {{else}}Hi{{end}}`,
		"nested.subject.tmpl": `{{if or (eq .Contact.FirstName "Dana changed") false}} {{else}}Hi{{end}}`,
		"nested.txt.tmpl":     `Hi`,
		"var.subject.tmpl":    `Hi`,
		"struct.subject.tmpl": `{{with .Contact}}{{if .FirstName}}Hi{{else if .LastName}} {{else}}Hi{{end}}{{end}}`,
		"struct.txt.tmpl":     `Hi`,
		"html.subject.tmpl":   `Hi`,
		"html.txt.tmpl":       `Hi`,
		"html.html.tmpl":      `{{if .Contact.Title}}{{.Contact.Title}}{{else}}x{{end}}`,
		"var.txt.tmpl":        `{{$c := or .Contact.Company "you"}}{{with $c}}Hi {{$c}}{{end}}`,
		"eq.txt.tmpl":         `Hello {{or .Contact.FirstName "there"}}`,
		"name.subject.tmpl":   `{{if .Contact.FirstName}}{{.Contact.FirstName}}{{else}}Hi{{end}}`,
		"name.txt.tmpl":       `{{or .Contact.Company .Contact.City "somewhere"}}`,
		"name.html.tmpl":      `<a href="{{.UnsubscribeURL}}">{{with .Rep.Name}}{{.}}{{end}}</a>`,
		"printf.subject.tmpl": `Hi {{printf "%.3s" .Contact.FirstName}}`,
		"printf.txt.tmpl":     `Hi`,
	})
}

// Whatever change of the data changes whether a render succeeds changes
// what AppendEmailOutcome writes, for every default email and for the
// templates of outcomeSet.
func TestAppendEmailOutcomeCoversWhatRenders(t *testing.T) {
	s := outcomeSet(t)
	key := func(name string, d Data) string {
		b, _ := s.AppendEmailOutcome(nil, name, d)
		return string(b)
	}
	for _, name := range s.Names(KindEmail) {
		base := Sample()
		baseKey := key(name, base)
		_, baseErr := s.Email(name, base)
		for _, d := range mutations(base) {
			if _, err := s.Email(name, d); (err == nil) != (baseErr == nil) && key(name, d) == baseKey {
				t.Errorf("%s: the render's outcome changed (%v, then %v) but its key did not: %q", name, baseErr, err, baseKey)
			}
		}
	}
}

// Contacts with names of their own share a key where the template only
// prints or tests the names, also through a variable; where it compares or
// formats them or reads the whole contact, or a name is blank, holds a
// control character or is not UTF-8, they do not.
func TestAppendEmailOutcomeSharesPlainNames(t *testing.T) {
	s := outcomeSet(t)
	key := func(name, first, company string) string {
		d := Sample()
		d.Contact.FirstName, d.Contact.Company = first, company
		b, ok := s.AppendEmailOutcome([]byte("k"), name, d)
		if !ok {
			t.Fatalf("no email %s", name)
		}
		return string(b)
	}
	for _, name := range []string{"name", "acct-intro", "var"} {
		if a, b := key(name, "Pat", "Acme"), key(name, "Ann-Marie", "Müller & Söhne GmbH"); a != b {
			t.Errorf("%s: plain names read differently: %q and %q", name, a, b)
		}
	}
	for _, c := range []struct{ name, first string }{{"eq", "Ann"}, {"nested", "Ann"}, {"printf", "Ann"}, {"with", "Ann"}, {"name", " "}, {"name", "Pat\t"}, {"name", "\xff"}} {
		if a, b := key(c.name, "Pat", "Acme"), key(c.name, c.first, "Acme"); a == b {
			t.Errorf("%s: %q reads as Pat: %q", c.name, c.first, a)
		}
	}
	if got, ok := s.AppendEmailOutcome([]byte("p"), "nope", Sample()); ok || string(got) != "p" {
		t.Errorf("AppendEmailOutcome of an unknown email = %q, %v; want p, false", got, ok)
	}
}

// What a template does not read leaves AppendEmailOutcome alone, and a
// name long enough that printing it could reach MaxOutput is read in full.
func TestAppendEmailOutcomeLeavesOutWhatIsNotRead(t *testing.T) {
	s := testSet(t, map[string]string{
		"x.subject.tmpl": `Hi {{.Contact.FirstName}}`,
		"x.txt.tmpl":     `From {{with .Contact.Company}}{{.}}{{end}} {{.Rep.Name}}`,
	})
	a, b := Sample(), Sample()
	b.Contact.Email, b.Contact.LastName, b.Contact.Custom, b.Rep.Phone = "other@example.com", "Other", nil, "1"
	ka, _ := s.AppendEmailOutcome(nil, "x", a)
	kb, _ := s.AppendEmailOutcome(nil, "x", b)
	if string(ka) != string(kb) {
		t.Errorf("x's key differs on fields it does not read: %q and %q", ka, kb)
	}
	b.Contact.Company = ""
	if kb, _ := s.AppendEmailOutcome(nil, "x", b); string(ka) == string(kb) {
		t.Error("x's key did not change with the company it reads going empty")
	}
	long := make([]byte, MaxOutput/escapeGrowth/2)
	for i := range long {
		long[i] = 'a'
	}
	b.Contact.Company, a.Contact.Company = string(long), string(long[1:])
	ka, _ = s.AppendEmailOutcome(nil, "x", a)
	if kb, _ := s.AppendEmailOutcome(nil, "x", b); string(ka) == string(kb) {
		t.Error("companies long enough to reach MaxOutput share a key")
	}
}
