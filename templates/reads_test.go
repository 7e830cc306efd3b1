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
// changes EmailReads, for every default email and for templates that read
// through with, variables, $, index and a whole struct.
func TestEmailReadsCoversWhatRenders(t *testing.T) {
	s := testSet(t, map[string]string{
		"with.subject.tmpl":   `{{with .Contact}}{{.FirstName}}{{end}} at {{.Business.Name}}`,
		"with.txt.tmpl":       `{{$r := .Rep}}{{with .Business}}{{$r.Name}} in {{$.Contact.City}} for {{.Phone}}{{else}}none{{end}}`,
		"with.html.tmpl":      `<p>{{with .Contact.Custom}}{{index . "plan"}}{{end}} {{printf "%s" .Event.Item}}</p>`,
		"dot.subject.tmpl":    `Hello`,
		"dot.txt.tmpl":        `Data: {{if .Step}}{{.}}{{end}}`,
		"dollar.subject.tmpl": `Hi`,
		"dollar.txt.tmpl":     `{{with .Track}}{{$}}{{end}}`,
	})
	for _, name := range s.Names(KindEmail) {
		base := Sample()
		baseKey, _ := s.EmailReads(name, base)
		baseOut, baseErr := s.Email(name, base)
		for _, d := range mutations(base) {
			out, err := s.Email(name, d)
			if out == baseOut && (err == nil) == (baseErr == nil) {
				continue
			}
			if key, _ := s.EmailReads(name, d); key == baseKey {
				t.Errorf("%s: the render changed but EmailReads did not: %q", name, key)
			}
		}
	}
}

// What a template does not read leaves EmailReads alone: that is what lets
// a simulation keep one render for many contacts.
func TestEmailReadsLeavesOutWhatIsNotRead(t *testing.T) {
	s := testSet(t, map[string]string{
		"x.subject.tmpl": `Hi {{.Contact.FirstName}}`,
		"x.txt.tmpl":     `From {{with .Contact.Company}}{{.}}{{end}} {{.Rep.Name}}`,
	})
	a, b := Sample(), Sample()
	b.Contact.Email, b.Contact.LastName, b.Contact.Custom, b.Rep.Phone = "other@example.com", "Other", nil, "1"
	ka, _ := s.EmailReads("x", a)
	kb, _ := s.EmailReads("x", b)
	if ka != kb {
		t.Errorf("EmailReads differ on fields x does not read: %q and %q", ka, kb)
	}
	b.Contact.Company = "Other Co"
	if kb, _ := s.EmailReads("x", b); ka == kb {
		t.Error("EmailReads did not change with the company x reads")
	}
	if _, ok := s.EmailReads("nope", a); ok {
		t.Error("EmailReads of an unknown email: ok")
	}
}
