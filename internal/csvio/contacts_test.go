package csvio

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func date(s string) *time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestParseContactsGood(t *testing.T) {
	in := "\ufeffEmail, External_ID ,first_name,Last_Name,company,title,phone,time_zone,STATUS,industry,owner," +
		"lead_source,campaign,birthday,street,city,region,postal_code,country,Shoe Size\n" +
		"ann@example.com,c-1,Ann,Lee,Acme,CTO,555-0100,America/New_York,Customer,legal,jdoe," +
		"web,spring,1980-02-29,\"1 Main St\nSuite 2\",Springfield,IL,62701,US,9\n" +
		"\n" +
		",,,,,,,,,,,,,,,,,,,\n" +
		" bob@example.com ,,,,,,,,,,,,,,,,,,,\n" +
		",c-3,,,,,,UTC,suspect,,,,,,,,,,,\n"
	got, errs := ParseContacts("c.csv", strings.NewReader(in))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := []engine.Contact{
		{
			ExternalID: "c-1", Email: "ann@example.com", FirstName: "Ann", LastName: "Lee",
			Company: "Acme", Title: "CTO", Phone: "555-0100", TimeZone: "America/New_York",
			Status: "customer", Industry: "legal", Owner: "jdoe", LeadSource: "web", Campaign: "spring",
			Birthday: date("1980-02-29"), Street: "1 Main St\nSuite 2", City: "Springfield",
			Region: "IL", PostalCode: "62701", Country: "US", Custom: map[string]string{"shoe size": "9"},
		},
		{Email: "bob@example.com", Status: "prospect"},
		{ExternalID: "c-3", TimeZone: "UTC", Status: "suspect"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseContactsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		errs []string
		ok   []string // external_id or email of the rows that go in
	}{
		{
			name: "empty file",
			in:   "",
			errs: []string{"c.csv:1: empty file: want a header row"},
		},
		{
			name: "no id column",
			in:   "first_name,last_name\nAnn,Lee\n",
			errs: []string{"c.csv:1: header: want an email or external_id column"},
		},
		{
			name: "header after blank lines",
			in:   "\n\nname\n",
			errs: []string{"c.csv:3: header: want an email or external_id column"},
		},
		{
			name: "duplicate column",
			in:   "email,Email\n",
			errs: []string{`c.csv:1: header: column "email" appears twice (columns 1 and 2)`},
		},
		{
			name: "unnamed column",
			in:   "email,,city\n",
			errs: []string{"c.csv:1: header: column 2 has no name"},
		},
		{
			name: "bad fields",
			in: "external_id,email,status,time_zone,birthday\n" +
				"c-1,ann@,lead,Mars/Olympus,1980-13-01\n" +
				"c-2,Bob <bob@example.com>,,,\n" +
				"c-3,,,Local,80-01-01\n" +
				"c-4,dan@example.com,PROSPECT,Europe/Paris,1999-12-31\n",
			errs: []string{
				`c.csv:2: email "ann@": not a valid address; status "lead": want suspect, prospect or customer; ` +
					`time_zone "Mars/Olympus": not an IANA time zone such as America/New_York; birthday "1980-13-01": want a date YYYY-MM-DD`,
				`c.csv:3: email "Bob <bob@example.com>": want a bare address such as name@example.com`,
				`c.csv:4: time_zone "Local": not an IANA time zone such as America/New_York; birthday "80-01-01": want a date YYYY-MM-DD`,
			},
			ok: []string{"c-4"},
		},
		{
			name: "no id in row",
			in:   "external_id,email,city\n,,Paris\nc-2,,\n",
			errs: []string{"c.csv:2: want an external_id or an email"},
			ok:   []string{"c-2"},
		},
		{
			name: "duplicate external_id",
			in:   "external_id,email\nc-1,a@example.com\nc-1,b@example.com\nc-2,ann@\nc-2,c@example.com\n",
			errs: []string{
				`c.csv:3: external_id "c-1": already used on line 2`,
				`c.csv:4: email "ann@": not a valid address`,
			},
			ok: []string{"c-1", "c-2"},
		},
		{
			name: "field count",
			in:   "email,city\na@example.com\nb@example.com,Paris,extra\nc@example.com,Rome\n",
			errs: []string{
				"c.csv:2: has 1 fields, the header has 2",
				"c.csv:3: has 3 fields, the header has 2",
			},
			ok: []string{"c@example.com"},
		},
		{
			name: "line numbers after a multi-line field",
			in:   "email,street\na@example.com,\"1 Main\n\nSt\"\nbad@,x\n",
			errs: []string{`c.csv:5: email "bad@": not a valid address`},
			ok:   []string{"a@example.com"},
		},
		{
			name: "bare quote stops the parse",
			in:   "email,city\na@example.com,Paris\nb@example.com,Pa\"ris\nc@example.com,Rome\n",
			errs: []string{`c.csv:3: malformed CSV at column 17: bare " in non-quoted-field`},
			ok:   []string{"a@example.com"},
		},
		{
			name: "unclosed quote",
			in:   "email,city\na@example.com,\"Paris\nb@example.com,Rome\n",
			errs: []string{`c.csv:2: malformed CSV at line 3, column 20: extraneous or missing " in quoted-field`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseContacts("c.csv", strings.NewReader(tt.in))
			checkErrors(t, errs, tt.errs)
			var ok []string
			for _, c := range got {
				ok = append(ok, cmpOr(c.ExternalID, c.Email))
			}
			if !reflect.DeepEqual(ok, tt.ok) {
				t.Errorf("rows in: %q, want %q", ok, tt.ok)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func checkErrors(t *testing.T, errs []error, want []string) {
	t.Helper()
	var got []string
	for _, err := range errs {
		if _, ok := err.(*LineError); !ok {
			t.Errorf("error %v is a %T, want *LineError", err, err)
		}
		got = append(got, err.Error())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
