package csvio_test

import (
	"fmt"
	"strings"

	"github.com/dripline/dripline/internal/csvio"
)

func ExampleParseContacts() {
	in := `External_ID,Email,Status,Birthday,Shoe_Size
c-1,ann@example.com,customer,1980-02-29,9
c-2,bob@,lead,,
c-1,carl@example.com,,,
`
	contacts, errs := csvio.ParseContacts("contacts.csv", strings.NewReader(in))
	for _, c := range contacts {
		fmt.Println(c.ExternalID, c.Email, c.Status, c.Birthday.Format("Jan 2"), c.Custom)
	}
	for _, err := range errs {
		fmt.Println(err)
	}
	// Output:
	// c-1 ann@example.com customer Feb 29 map[shoe_size:9]
	// contacts.csv:3: email "bob@": not a valid address; status "lead": want suspect, prospect or customer
	// contacts.csv:4: external_id "c-1": already used on line 2
}

func ExampleParseEvents() {
	in := `contact,event,at,track
c-1,manual,2026-01-05T09:00:00Z,general-interest
c-1,sale.closed,2026-01-06,
`
	rows, errs := csvio.ParseEvents("events.csv", strings.NewReader(in))
	for _, r := range rows {
		fmt.Println(r.Line, r.Contact, r.Event.Name, r.Event.Track, r.Event.At.Format("2006-01-02 15:04"))
	}
	for _, err := range errs {
		fmt.Println(err)
	}
	// Output:
	// 2 c-1 manual general-interest 2026-01-05 09:00
	// events.csv:3: at "2026-01-06": want an RFC 3339 time such as 2026-01-05T09:00:00Z
}
