package templates

import (
	"maps"
	"reflect"
	"testing"
)

// mutations returns d changed in one place each: every string field, and
// the custom fields gone, emptied, added to and changed.
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
				m := d
				m.Contact.Custom = maps.Clone(d.Contact.Custom)
				f := reflect.ValueOf(&m).Elem().FieldByIndex(p)
				f.SetString(f.String() + " changed")
				out = append(out, m)
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

// Whatever change of the data changes a render (its text or its error)
// changes what AppendEmailReads writes, for every default email and for templates that read
// through with, variables, $, index and a whole struct.
func TestAppendEmailReadsCoversWhatRenders(t *testing.T) {
	s := testSet(t, map[string]string{
		"with.subject.tmpl":   `{{with .Contact}}{{.FirstName}}{{end}} at {{.Business.Name}}`,
		"with.txt.tmpl":       `{{$r := .Rep}}{{with .Business}}{{$r.Name}} in {{$.Contact.City}} for {{.Phone}}{{else}}none{{end}}`,
		"with.html.tmpl":      `<p>{{with .Contact.Custom}}{{index . "plan"}}{{end}} {{printf "%s" .Event.Item}}</p>`,
		"dot.subject.tmpl":    `Hello`,
		"dot.txt.tmpl":        `Data: {{if .Step}}{{.}}{{end}}`,
		"dollar.subject.tmpl": `Hi`,
		"dollar.txt.tmpl":     `{{with .Track}}{{$}}{{end}}`,
	})
	reads := func(name string, d Data) string {
		b, _ := s.AppendEmailReads(nil, name, d)
		return string(b)
	}
	for _, name := range s.Names(KindEmail) {
		base := Sample()
		baseKey := reads(name, base)
		baseOut, baseErr := s.Email(name, base)
		for _, d := range mutations(base) {
			out, err := s.Email(name, d)
			if out == baseOut && (err == nil) == (baseErr == nil) {
				continue
			}
			if key := reads(name, d); key == baseKey {
				t.Errorf("%s: the render changed but what it reads did not: %q", name, key)
			}
		}
	}
}

// What a template does not read leaves AppendEmailReads alone: that is what lets
// a simulation keep one render for many contacts.
func TestAppendEmailReadsLeavesOutWhatIsNotRead(t *testing.T) {
	s := testSet(t, map[string]string{
		"x.subject.tmpl": `Hi {{.Contact.FirstName}}`,
		"x.txt.tmpl":     `From {{with .Contact.Company}}{{.}}{{end}} {{.Rep.Name}}`,
	})
	a, b := Sample(), Sample()
	b.Contact.Email, b.Contact.LastName, b.Contact.Custom, b.Rep.Phone = "other@example.com", "Other", nil, "1"
	ka, _ := s.AppendEmailReads(nil, "x", a)
	kb, _ := s.AppendEmailReads(nil, "x", b)
	if string(ka) != string(kb) {
		t.Errorf("what x reads differs on fields it does not read: %q and %q", ka, kb)
	}
	b.Contact.Company = "Other Co"
	if kb, _ := s.AppendEmailReads(nil, "x", b); string(ka) == string(kb) {
		t.Error("what x reads did not change with the company it reads")
	}
	if got, ok := s.AppendEmailReads([]byte("p"), "nope", a); ok || string(got) != "p" {
		t.Errorf("AppendEmailReads of an unknown email = %q, %v; want p, false", got, ok)
	}
}
