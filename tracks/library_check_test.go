package tracks

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func ids(ts []*Track) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func TestLoadDir(t *testing.T) {
	lib, err := LoadDir("testdata/lib/ok", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(lib.Tracks()), []string{"event-followup", "general-interest", "industry-legal"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Tracks() = %v, want %v", got, want)
	}
	if got, want := ids(lib.EnrolledBy(EventEventAttended)), []string{"event-followup", "general-interest"}; !reflect.DeepEqual(got, want) {
		t.Errorf("EnrolledBy(event.attended) = %v, want %v", got, want)
	}
	if got := lib.EnrolledBy(EventSaleClosed); len(got) != 0 {
		t.Errorf("EnrolledBy(sale.closed) = %v, want none", ids(got))
	}
	if tr, ok := lib.Track("industry-legal"); !ok || tr.Then != "general-interest" {
		t.Errorf("Track(industry-legal) = %v, %v", tr, ok)
	}
	if _, ok := lib.Track("nope"); ok {
		t.Errorf("Track(nope) found")
	}
}

func TestLoadFilesBad(t *testing.T) {
	empty := t.TempDir()
	knownTemplates := func(ch Channel, name string) bool {
		return !(ch == ChannelEmail && name == "gi-welcome") && !(ch == ChannelLetter && name == "industry-legal-card")
	}
	tests := []struct {
		name  string
		paths []string
		opts  Options
		errs  []string
	}{
		{"duplicate ids", []string{"testdata/lib/dup"}, Options{}, []string{
			`testdata/lib/dup/two.yaml:1:5: id "one" is already used by the track in testdata/lib/dup/one.yaml:1:5: expected ids unique in the library`,
		}},
		{"same file twice", []string{"testdata/lib/ok", "testdata/lib/ok/general-interest.yaml"}, Options{}, nil},
		{"cycles", []string{"testdata/lib/cycle"}, Options{}, []string{
			`testdata/lib/cycle/a.yaml:11:7: then: tracks chain in a loop (a -> b -> c -> a): expected a chain that ends`,
			`testdata/lib/cycle/e.yaml:11:7: then: tracks chain in a loop (e -> e): expected a chain that ends`,
		}},
		{"unknown then", []string{"testdata/lib/unknown-then"}, Options{}, []string{
			`testdata/lib/unknown-then/a.yaml:11:7: then: unknown track "nope": expected the id of a track in the library`,
		}},
		{"unknown then of a file that failed", []string{"testdata/lib/partial"}, Options{}, []string{
			`testdata/lib/partial/broken.yaml:3:8: invalid YAML: did not find expected node content: the [ here is not closed`,
		}},
		{"templates", []string{"testdata/lib/ok"}, Options{TemplateExists: knownTemplates}, []string{
			`testdata/lib/ok/general-interest.yaml:7:24: step "hello": email.template: unknown email template "gi-welcome": expected the name of an existing email template`,
			`testdata/lib/ok/industry-legal.yaml:10:25: step "card": letter.template: unknown letter template "industry-legal-card": expected the name of an existing letter template`,
		}},
		{"texts", []string{"testdata/lib/texts"}, Options{CheckText: checkText}, []string{
			`testdata/lib/texts/calls.yaml:6:22: step "intro": call.subject: no field Frist`,
			`testdata/lib/texts/calls.yaml:11:14: step "follow-up": task.notes: no field Frist`,
		}},
		{"missing paths", []string{"testdata/lib/nope", empty}, Options{}, []string{
			empty + `: no track files: expected *.yaml or *.yml files in the folder`,
			`testdata/lib/nope: cannot read: no such file or directory`,
		}},
		{"several folders", []string{"testdata/lib/dup", "testdata/bad-ids.bad.yaml"}, Options{}, []string{
			`testdata/bad-ids.bad.yaml:1:5: id "General_Interest" is not an id: expected lowercase letters, digits and dashes ([a-z0-9-]+)`,
			`testdata/bad-ids.bad.yaml:4:9: step 1 id "Welcome" is not an id: expected lowercase letters, digits and dashes ([a-z0-9-]+)`,
			`testdata/bad-ids.bad.yaml:7:7: then "General" is not an id: expected lowercase letters, digits and dashes ([a-z0-9-]+)`,
			`testdata/lib/dup/two.yaml:1:5: id "one" is already used by the track in testdata/lib/dup/one.yaml:1:5: expected ids unique in the library`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := LoadFiles(tt.paths, tt.opts)
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if !reflect.DeepEqual(got, tt.errs) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errs, "\n"))
			}
			if (lib == nil) != (tt.errs != nil) {
				t.Errorf("library %v with %d errors", lib, len(tt.errs))
			}
		})
	}
}

func checkText(text string) error {
	if strings.Contains(text, ".Frist") {
		return errors.New("no field Frist")
	}
	return nil
}

func TestNewLibraryBuiltInCode(t *testing.T) {
	a := &Track{ID: "a", Then: "b", File: "a.yaml"}
	_, err := NewLibrary([]*Track{a, {ID: "a", File: "other.yaml"}}, Options{})
	want := "a.yaml: then: unknown track \"b\": expected the id of a track in the library\n" +
		"other.yaml: id \"a\" is already used by the track in a.yaml: expected ids unique in the library"
	if err == nil || err.Error() != want {
		t.Errorf("NewLibrary error:\n%v\nwant:\n%s", err, want)
	}
}

func TestLoadDirUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, nil, 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := LoadDir(dir, Options{})
	if want := file + ": cannot read: permission denied"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
