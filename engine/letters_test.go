package engine_test

import (
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/letters"
)

func TestMissingAddress(t *testing.T) {
	t.Parallel()
	full := letters.Address{Street: "12 Oak St", City: "Fresno", PostalCode: "93650"}
	tests := []struct {
		change func(*letters.Address)
		want   string
	}{
		{func(*letters.Address) {}, ""},
		{func(a *letters.Address) { a.Region, a.Country = "", "" }, ""},
		{func(a *letters.Address) { a.Street = "" }, "no street"},
		{func(a *letters.Address) { a.City, a.PostalCode = " ", "" }, "no city, no postal code"},
		{func(a *letters.Address) { *a = letters.Address{Name: "Pat"} }, "no street, no city, no postal code"},
	}
	for _, tt := range tests {
		a := full
		tt.change(&a)
		if got := engine.MissingAddress(a); got != tt.want {
			t.Errorf("MissingAddress(%+v) = %q, want %q", a, got, tt.want)
		}
	}
}

// A letter touch files its letter with the contact's address, the rep and
// the zone as they are when it falls due; the touch is done, the activity
// open. Without a usable address it files it as unmailable, with the reason.
func TestLetterTouchFilesTheLetter(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	sold := time.Date(2026, 1, 2, 19, 30, 0, 0, time.UTC)
	pat := f.contact("pat@example.com", func(c *engine.Contact) { c.Company, c.Country = "Oak & Co", "US" })
	kim := f.contact("kim@example.com", func(c *engine.Contact) { c.City, c.PostalCode = "", "" })
	for _, c := range []engine.Contact{pat, kim} {
		if _, err := f.eng.HandleEvent(f.ctx, engine.Event{ContactID: c.ID, Name: "sale.closed", At: sold}); err != nil {
			t.Fatal(err)
		}
	}
	f.runUntil(sold.AddDate(0, 0, 5))
	if _, err := f.store.Pool().Exec(f.ctx, `UPDATE contacts SET street = 'moved away' WHERE id = $1`, pat.ID); err != nil {
		t.Fatal(err)
	}

	var got, reason, state, status string
	err := f.store.Pool().QueryRow(f.ctx, `SELECT concat_ws('|', l.to_name, l.to_company, l.street, l.city, l.region,
			l.postal_code, l.country, l.signer_name, l.time_zone, l.rep_id = $2), l.unmailable, t.state, a.status
		FROM letters l JOIN touches t ON t.id = l.touch_id JOIN activities a ON a.id = l.activity_id
		WHERE l.contact_id = $1`, pat.ID, f.rep.ID).Scan(&got, &reason, &state, &status)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Pat Lee|Oak & Co|12 Oak St|Fresno|CA|93650|US|Jane Smith|America/Los_Angeles|t"; got != want || reason != "" {
		t.Errorf("filed letter = %q %q, want %q", got, reason, want)
	}
	if state != "done" || status != "open" {
		t.Errorf("touch %s, activity %s; want done and open", state, status)
	}
	var notes string
	err = f.store.Pool().QueryRow(f.ctx, `SELECT l.unmailable, t.state, a.status, a.notes FROM letters l
		JOIN touches t ON t.id = l.touch_id JOIN activities a ON a.id = l.activity_id WHERE l.contact_id = $1`, kim.ID).
		Scan(&reason, &state, &status, &notes)
	if err != nil {
		t.Fatal(err)
	}
	if reason != "no city, no postal code" || state != "done" || status != "open" || notes != "Unmailable: no city, no postal code" {
		t.Errorf("unmailable letter = %q, touch %s, activity %s %q", reason, state, status, notes)
	}
}
