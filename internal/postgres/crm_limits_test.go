package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/crm"
)

func ptr(s string) *string { return &s }

// TestAPIRefusesOutOfLimits: each attack through the store's API is refused
// with a ValidationError naming the field, and nothing is stored.
func TestAPIRefusesOutOfLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := crmSetup(t)
	if _, err := store.CreateContact(ctx, crm.System, crm.ContactFields{Email: ptr("ann@example.com"), FirstName: ptr("Ann")}); err != nil {
		t.Fatal(err)
	}
	custom51 := map[string]string{}
	for _, k := range strings.Split("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY", "") {
		custom51[k] = "v"
	}
	attacks := []struct {
		name  string
		do    func() error
		field string
	}{
		{"a line break in a first name", func() error {
			_, err := store.CreateContact(ctx, crm.System, crm.ContactFields{Email: ptr("x@example.com"), FirstName: ptr("Ann\nBcc: all@example.com")})
			return err
		}, "first_name"},
		{"a 900 KB first name", func() error {
			_, err := store.CreateContact(ctx, crm.System, crm.ContactFields{Email: ptr("x@example.com"), FirstName: ptr(strings.Repeat("A", 900_000))})
			return err
		}, "first_name"},
		{"a tab in a city, by PATCH", func() error {
			_, err := store.UpdateContact(ctx, crm.System, "ann@example.com", crm.ContactFields{City: ptr("Fres\tno")})
			return err
		}, "city"},
		{"51 custom fields", func() error {
			_, err := store.CreateContact(ctx, crm.System, crm.ContactFields{Email: ptr("x@example.com"), Custom: custom51})
			return err
		}, "custom"},
		{"a custom field name of 65 characters", func() error {
			_, err := store.UpdateContact(ctx, crm.System, "ann@example.com", crm.ContactFields{Custom: map[string]string{strings.Repeat("k", 65): "v"}})
			return err
		}, "custom"},
		{"a birthday in year 9999", func() error {
			_, err := store.UpdateContact(ctx, crm.System, "ann@example.com", crm.ContactFields{Birthday: ptr("9999-12-31")})
			return err
		}, "birthday"},
		{"a sale in year 9999", func() error {
			_, err := store.CreateSale(ctx, crm.System, crm.SaleFields{Contact: "ann@example.com", Amount: "10", SoldAt: "9999-01-01T00:00:00Z"})
			return err
		}, "sold_at"},
		{"a negative sale", func() error {
			_, err := store.CreateSale(ctx, crm.System, crm.SaleFields{Contact: "ann@example.com", Amount: "-1250.00"})
			return err
		}, "amount"},
		{"a negative event amount", func() error {
			_, err := store.SendEvent(ctx, crm.System, crm.EventFields{Contact: "ann@example.com", Event: "sale.closed", Amount: "-5"})
			return err
		}, "amount"},
		{"an event in year 1", func() error {
			_, err := store.SendEvent(ctx, crm.System, crm.EventFields{Contact: "ann@example.com", Event: "sale.closed", At: "0001-01-01T00:00:00Z"})
			return err
		}, "at"},
		{"a negative revenue", func() error {
			_, err := store.CreateOpportunity(ctx, crm.System, crm.OpportunityFields{Contact: ptr("ann@example.com"), Name: ptr("Deal"), Revenue: (*crm.Decimal)(ptr("-1"))})
			return err
		}, "revenue"},
		{"a close date in year 9999", func() error {
			_, err := store.CreateOpportunity(ctx, crm.System, crm.OpportunityFields{Contact: ptr("ann@example.com"), Name: ptr("Deal"), CloseDate: ptr("9999-01-01")})
			return err
		}, "close_date"},
		{"an activity due in year 9999", func() error {
			_, err := store.CreateActivity(ctx, crm.System, crm.ActivityFields{Contact: "ann@example.com", Type: "Call", Due: "9999-01-01T00:00:00Z"})
			return err
		}, "due"},
		{"a username with a slash", func() error {
			_, err := store.CreateRep(ctx, crm.System, crm.RepFields{Username: "../admin"})
			return err
		}, "username"},
		{"a username with a control character", func() error {
			_, err := store.CreateRep(ctx, crm.System, crm.RepFields{Username: "cory\x07"})
			return err
		}, "username"},
	}
	before := countRows(t, pool, `SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM sales) + (SELECT count(*) FROM opportunities)
		+ (SELECT count(*) FROM activities) + (SELECT count(*) FROM reps)`)
	for _, a := range attacks {
		err := a.do()
		v, ok := crm.AsValidation(err)
		if !ok || v.Field != a.field {
			t.Errorf("%s: err = %v, want a validation error on %s", a.name, err, a.field)
		}
	}
	after := countRows(t, pool, `SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM sales) + (SELECT count(*) FROM opportunities)
		+ (SELECT count(*) FROM activities) + (SELECT count(*) FROM reps)`)
	if after != before {
		t.Errorf("the refused calls stored %d rows", after-before)
	}
	ann, err := store.Contact(ctx, crm.System, "ann@example.com")
	if err != nil || ann.City != "" || ann.Birthday != nil || len(ann.Custom) != 0 {
		t.Errorf("Ann changed: %+v, %v", ann, err)
	}
}

// TestImportOwnerUsernames: an owner in a CSV follows the API's username
// rule; the bad row is refused, the good ones go in with their reps.
func TestImportOwnerUsernames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := crmSetup(t)
	in := "email,owner\nann@example.com,cferguson\nbo@example.com,cory ferguson\ncy@example.com,../admin\n"
	res, err := store.Import(ctx, crm.System, "o.csv", strings.NewReader(in))
	if err != nil || res.Created != 1 || len(res.Errors) != 2 {
		t.Fatalf("import = %+v, %v; want 1 created and 2 bad rows", res, err)
	}
	for i, want := range []string{`o.csv:3: owner: "cory ferguson": no spaces or slashes`, `o.csv:4: owner: "../admin": no spaces or slashes`} {
		if got := res.Errors[i].Error(); got != want {
			t.Errorf("error %d = %q, want %q", i, got, want)
		}
	}
	if n := countRows(t, pool, `SELECT count(*) FROM reps WHERE username <> 'cferguson'`); n != 0 {
		t.Errorf("%d reps created from bad owners", n)
	}
}
