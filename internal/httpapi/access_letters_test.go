package httpapi_test

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"testing"
)

// ownLetter files a letter of kind for a new contact owned by rep, without
// a city when city is "", and returns the contact's reference.
func (w *world) ownLetter(rep, kind, city string) string {
	w.t.Helper()
	ref := "l-" + itoa(w.next())
	w.fileLetter(ref, kind, city)
	_, err := w.pool.Exec(context.Background(),
		`UPDATE contacts SET owner_id = (SELECT id FROM reps WHERE username = $1) WHERE external_id = $2`, rep, ref)
	if err != nil {
		w.t.Fatal(err)
	}
	return ref
}

func TestSalesSeesTheLettersOfItsOwnContacts(t *testing.T) {
	t.Parallel()
	w := setupWorld(t)
	w.ownLetter("sam", "birthday", "Fresno")
	mine := w.ownLetter("sam", "birthday", "")
	w.ownLetter("sid", "birthday", "Fresno")
	w.ownLetter("sid", "birthday", "Fresno")
	theirs := w.ownLetter("sid", "thank-you", "")

	counts := func(caller string) map[string][2]float64 {
		status, out, _ := w.call(caller, "GET", "/api/letters", nil)
		if status != http.StatusOK {
			t.Fatalf("GET /api/letters as %s: %d %v", caller, status, out)
		}
		got := map[string][2]float64{}
		for _, k := range list(out, "kinds") {
			got[k["kind"].(string)] = [2]float64{k["pending"].(float64), k["unmailable"].(float64)}
		}
		return got
	}
	unmailable := func(caller string) []string {
		status, out, _ := w.call(caller, "GET", "/api/letters/unmailable", nil)
		if status != http.StatusOK {
			t.Fatalf("GET /api/letters/unmailable as %s: %d %v", caller, status, out)
		}
		var refs []string
		for _, l := range list(out, "letters") {
			refs = append(refs, l["contact"].(string))
		}
		return refs
	}
	for _, c := range []struct {
		caller     string
		counts     map[string][2]float64
		unmailable []string
	}{
		{"owner", map[string][2]float64{"birthday": {1, 1}}, []string{mine}},
		{"other", map[string][2]float64{"birthday": {2, 0}, "thank-you": {0, 1}}, []string{theirs}},
		{"manager", map[string][2]float64{"birthday": {3, 1}, "thank-you": {0, 1}}, []string{mine, theirs}},
		{"admin", map[string][2]float64{"birthday": {3, 1}, "thank-you": {0, 1}}, []string{mine, theirs}},
	} {
		if got := counts(c.caller); !maps.Equal(got, c.counts) {
			t.Errorf("GET /api/letters as %s: %v, want %v", c.caller, got, c.counts)
		}
		if got := unmailable(c.caller); !slices.Equal(got, c.unmailable) {
			t.Errorf("GET /api/letters/unmailable as %s: %v, want %v", c.caller, got, c.unmailable)
		}
	}

	// A sales rep fixes the address of its own contact: the letter is back
	// on its pile, printable.
	if status, out, _ := w.call("owner", "PATCH", "/api/contacts/"+mine, map[string]any{"city": "Fresno"}); status != http.StatusOK {
		t.Fatalf("PATCH of its own contact's city: %d %v", status, out)
	}
	if got, want := counts("owner"), map[string][2]float64{"birthday": {2, 0}}; !maps.Equal(got, want) {
		t.Errorf("after fixing the address, GET /api/letters as owner: %v, want %v", got, want)
	}
}
