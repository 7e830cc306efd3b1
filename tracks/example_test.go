package tracks_test

import (
	"fmt"
	"os"
	"time"

	"github.com/dripline/dripline/tracks"
)

func Example() {
	src := []byte(`
id: after-sale
name: After the Sale
kind: after-sale
anchor: event
enroll: { on: [sale.closed] }
window: { days: [mon, tue, wed, thu, fri], hours: "09:00-17:00", timezone: contact, fallback: America/Chicago }
steps:
  - id: day-4
    at: 4d
    call: { subject: "How is {{.Contact.Company}} settling in?" }
  - id: thank-you
    at: 4d
    letter: { template: thank-you-purchase }
  - id: day-25
    at: 25d
    call: { subject: Check in }
  - id: trade-up
    at: 17mo
    call: { subject: "Time to trade up?" }
`)
	track, err := tracks.Parse("after-sale.yaml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	sale := time.Date(2026, 1, 30, 22, 0, 0, 0, time.UTC) // Friday afternoon in Los Angeles
	for _, touch := range track.Plan(sale, "America/Los_Angeles") {
		fmt.Printf("%-9s %-6s %s\n", touch.Step, touch.Channel, touch.Due.Format("Mon 2006-01-02 15:04 MST"))
	}
	// Output:
	// day-4     call   Tue 2026-02-03 14:00 PST
	// thank-you letter Tue 2026-02-03 14:00 PST
	// day-25    call   Tue 2026-02-24 14:00 PST
	// trade-up  call   Wed 2027-06-30 14:00 PDT
}

func ExampleParse_errors() {
	_, err := tracks.Parse("welcome.yaml", []byte(`
id: welcome
name: Welcome
steps:
  - id: hello
    after: 3days
    emial: { template: hello }
`))
	fmt.Println(err)
	// Output:
	// welcome.yaml:5:5: step "hello": missing action: expected one of email, letter, call or task
	// welcome.yaml:6:12: step "hello" after: duration "3days" has unknown unit "days": expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo
	// welcome.yaml:7:5: unknown key "emial" in step "hello": did you mean email? expected one of id, at, after, email, letter, call, task
}

func ExampleParseDuration() {
	d, err := tracks.ParseDuration("17mo")
	fmt.Println(d.N, d.Unit, err)
	_, err = tracks.ParseDuration("-2w")
	fmt.Println(err)
	// Output:
	// 17 mo <nil>
	// duration "-2w" is negative: expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo
}

func ExampleWritePlan() {
	t, err := tracks.Parse("welcome.yaml", []byte(`
id: welcome
name: Welcome
window: { days: [mon, tue, wed, thu, fri], hours: "09:00-17:00", timezone: America/Chicago }
steps:
  - { id: hello, at: 0d, email: { template: hello } }
  - { id: call, after: 2bd, call: { subject: Say hello } }
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2026, 1, 9, 23, 30, 0, 0, time.UTC) // a Friday evening in Chicago
	_ = tracks.WritePlan(os.Stdout, t, start, "", t.Plan(start, ""))
	// Output:
	// Welcome (welcome), enrolled Fri 2026-01-09 17:30 CST; times in America/Chicago
	//
	// STEP   CHANNEL  DUE                       DAY
	// hello  email    Mon 2026-01-12 09:00 CST  3
	// call   call     Wed 2026-01-14 09:00 CST  5
}
