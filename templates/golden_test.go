package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenData is Sample() with an event that fits the template: the event
// templates get an attended event and the service letters a service visit.
func goldenData(name string) Data {
	d := Sample()
	switch {
	case strings.HasPrefix(name, "event-"):
		d.Event = Event{Name: "event.attended", Date: "March 12, 2026", Item: "Cybersecurity Lunch & Learn"}
	case strings.HasPrefix(name, "service-") || strings.HasPrefix(name, "completed-service"):
		d.Event = Event{Name: "service.due", Date: "April 6, 2026", Item: "annual server and firewall maintenance"}
	}
	return d
}

// TestGolden renders every default template with goldenData and compares it
// with testdata/golden/NAME.KIND.txt. Run `go test ./templates -update` after
// changing the copy, and read the diff.
func TestGolden(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, name := range s.Names(KindEmail) {
		e, err := s.Email(name, goldenData(name))
		if err != nil {
			t.Errorf("email %s: %v", name, err)
			continue
		}
		got := "Subject: " + e.Subject + "\n\n" + e.Text
		if e.HTML != "" {
			got += "\n--- html ---\n" + e.HTML
		}
		checkGolden(t, name+".email.txt", got)
		want[name+".email.txt"] = true
	}
	for _, name := range s.Names(KindLetter) {
		got, err := s.Letter(name, goldenData(name))
		if err != nil {
			t.Errorf("letter %s: %v", name, err)
			continue
		}
		checkGolden(t, name+".letter.txt", got)
		want[name+".letter.txt"] = true
	}
	entries, _ := os.ReadDir(filepath.Join("testdata", "golden"))
	for _, e := range entries {
		if !want[e.Name()] {
			if *update {
				os.Remove(filepath.Join("testdata", "golden", e.Name()))
				continue
			}
			t.Errorf("testdata/golden/%s belongs to no template (run with -update to remove it)", e.Name())
		}
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v (run with -update to create it)", err)
		return
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff)\ngot:\n%s", path, got)
	}
}

// TestDefaultCopy holds the default templates to the house rules: emails
// carry the rep's signature, the business name and postal address and an
// unsubscribe link, and stay short; letters carry no unsubscribe link and
// close with the rep's name.
func TestDefaultCopy(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	d := Sample()
	for _, name := range s.Names(KindEmail) {
		e, _ := s.Email(name, goldenData(name))
		for _, want := range []string{d.Rep.Signature, d.Business.Name, d.Business.Address, d.UnsubscribeURL} {
			if !strings.Contains(e.Text, want) {
				t.Errorf("email %s: text part lacks %q", name, want)
			}
			for _, line := range strings.Split(want, "\n") {
				if e.HTML != "" && !strings.Contains(e.HTML, line) {
					t.Errorf("email %s: HTML part lacks %q", name, line)
				}
			}
		}
		if n := len(strings.Fields(e.Text)); n < 80 || n > 230 {
			t.Errorf("email %s has %d words; want 80 to 230 with signature and footer", name, n)
		}
		if !strings.HasPrefix(e.Text, "Hi Dana,\n") {
			t.Errorf("email %s does not start with the greeting", name)
		}
	}
	for _, name := range s.Names(KindLetter) {
		l, _ := s.Letter(name, goldenData(name))
		if strings.Contains(strings.ToLower(l), "unsubscribe") {
			t.Errorf("letter %s mentions unsubscribing", name)
		}
		if !strings.HasPrefix(l, "Dear Dana,\n") {
			t.Errorf("letter %s lacks the salutation", name)
		}
		// The letters package prints the closing and the rep's signature.
		if strings.Contains(l, "Sincerely") || strings.Contains(l, "\n"+d.Rep.Name+"\n") {
			t.Errorf("letter %s signs itself; the printed letter adds the signature", name)
		}
		if n := len(strings.Fields(l)); n < 50 || n > 250 {
			t.Errorf("letter %s has %d words; want 50 to 250", name, n)
		}
	}
}
