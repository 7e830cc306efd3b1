package crm

import (
	"fmt"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/mailaddr"
)

func TestMergeByEmail(t *testing.T) {
	cols := []string{"email", "first_name", "boat"}
	rows := []engine.Contact{
		{Email: "Ann@example.com", FirstName: "Ann", Custom: map[string]string{"boat": "sloop"}},
		{ExternalID: "b-1", Email: "ann@example.com", FirstName: "Bee"},
		{Email: "ann@EXAMPLE.com", FirstName: "Annie"},
		{Email: "cy@example.com", FirstName: "Cy"},
	}
	got := mergeByEmail(rows, cols)
	want := []string{"Annie/ann@EXAMPLE.com/map[]", "Bee/ann@example.com/map[]", "Cy/cy@example.com/map[]"}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %v", len(got), len(want), got)
	}
	for i, c := range got {
		if s := fmt.Sprintf("%s/%s/%v", c.FirstName, c.Email, c.Custom); s != want[i] {
			t.Errorf("row %d = %s, want %s", i, s, want[i])
		}
	}
}

func TestApplyColumns(t *testing.T) {
	old := engine.Contact{ExternalID: "x", Email: "a@example.com", Phone: "555", City: "Fresno",
		Custom: map[string]string{"boat": "sloop", "dog": "rex"}}
	row := engine.Contact{ExternalID: "x", Phone: "", City: "Reno", Custom: map[string]string{"cat": "tom"}}
	applyColumns(&old, row, []string{"external_id", "phone", "city", "boat", "cat"})
	want := engine.Contact{ExternalID: "x", Email: "a@example.com", City: "Reno",
		Custom: map[string]string{"dog": "rex", "cat": "tom"}}
	if !sameContact(old, want) {
		t.Errorf("got %+v, want %+v", old, want)
	}
}

func TestValidateContact(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		f     ContactFields
		field string
	}{
		{ContactFields{Email: str("a@example.com")}, ""},
		{ContactFields{ExternalID: str(" c-1 ")}, ""},
		{ContactFields{FirstName: str("Ann")}, "email"},
		{ContactFields{Email: str("a@@example.com")}, "email"},
		{ContactFields{Email: str("a@example.com"), Status: str("Customer")}, ""},
		{ContactFields{Email: str("a@example.com"), Status: str("lead")}, "status"},
		{ContactFields{Email: str("a@example.com"), TimeZone: str("Local")}, "time_zone"},
		{ContactFields{Email: str("a@example.com"), TimeZone: str("Europe/Paris")}, ""},
		{ContactFields{Email: str("a@example.com"), Birthday: str("2001-02-29")}, "birthday"},
		{ContactFields{Email: str("a@example.com"), Custom: map[string]string{" ": "x"}}, "custom"},
	}
	for i, tt := range tests {
		c := engine.Contact{Status: engine.StatusProspect}
		err := tt.f.apply(&c)
		if err == nil {
			err = validateContact(&c)
		}
		field := ""
		if v, ok := AsValidation(err); ok {
			field = v.Field
		} else if err != nil {
			t.Fatalf("case %d: %v is not a validation error", i, err)
		}
		if field != tt.field {
			t.Errorf("case %d: field %q (%v), want %q", i, field, err, tt.field)
		}
	}
}

// FuzzContactFields checks that any user input is either refused with a
// field named or gives a contact that keeps the stored invariants.
func FuzzContactFields(f *testing.F) {
	f.Add("c-1", "a@example.com", "prospect", "America/New_York", "1990-01-31")
	f.Add("", "Ann <a@example.com>", "CUSTOMER", "Local", "1990-02-30")
	f.Fuzz(func(t *testing.T, id, email, status, zone, birthday string) {
		fields := ContactFields{ExternalID: &id, Email: &email, Status: &status, TimeZone: &zone, Birthday: &birthday}
		c := engine.Contact{Status: engine.StatusProspect}
		err := fields.apply(&c)
		if err == nil {
			err = validateContact(&c)
		}
		if err != nil {
			if v, ok := AsValidation(err); !ok || v.Field == "" {
				t.Fatalf("error %v names no field", err)
			}
			return
		}
		if c.ExternalID == "" && c.Email == "" {
			t.Fatal("a contact without email or external_id passed")
		}
		if c.Email != "" && mailaddr.Check(c.Email) != nil {
			t.Fatalf("bad email %q passed", c.Email)
		}
	})
}
