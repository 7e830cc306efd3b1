package tracks

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// badTracks lists every testdata/*.bad.yaml file with the exact problems
// Parse reports for it, each after the file name.
var badTracks = []struct {
	file string
	errs []string
}{
	{"bad-actions.bad.yaml", []string{
		`:6:12: step "no-template" email: missing template: expected the name of an email template`,
		`:6:20: step "no-template" email.from: "not an address" is not an email address: expected one such as "Ann Lee <ann@example.com>"`,
		`:9:25: step "letter-subject" letter: template is empty: expected the name of a letter template`,
		`:9:29: unknown key "subject" in step "letter-subject" letter: expected one of template, activity`,
		`:12:11: step "call-no-subject" call: missing subject: expected the subject of the call`,
		`:15:22: step "bad-subject" call.subject: not a valid template: unclosed action: expected Go template syntax such as {{.Contact.FirstName}}`,
		`:18:21: step "bad-notes" task.assign is empty: expected owner or a rep's username`,
		`:18:52: step "bad-notes" task.notes: not a valid template: unexpected EOF: expected Go template syntax such as {{.Contact.FirstName}}`,
		`:21:12: step "scalar-action" email: expected a mapping with keys template, from, activity, found "gi-welcome"`,
		`:24:12: step "empty-action" letter is empty: expected a mapping with keys template, activity`,
	}},
	{"bad-conditions.bad.yaml", []string{
		`:6:5: enroll.if: unknown field "contact.shoe_size": expected contact.status, contact.industry, contact.lead_source, contact.campaign, contact.owner, contact.city, contact.region, contact.country, contact.title, contact.company, contact.time_zone, contact.postal_code, contact.custom.NAME or event.item`,
		`:7:32: enroll.if.contact.status: unknown status "prospekt": expected one of suspect, prospect, customer`,
		`:8:5: enroll.if: unknown field "contact.custom.": expected contact.status, contact.industry, contact.lead_source, contact.campaign, contact.owner, contact.city, contact.region, contact.country, contact.title, contact.company, contact.time_zone, contact.postal_code, contact.custom.NAME or event.item`,
		":9:17: enroll.if.event.item: expected a value or a list of values, found nothing",
		":10:23: enroll.if.contact.industry: expected a value or a list of values, found an empty list",
		":11:19: enroll.if.contact.city: expected a value or a list of them, found a mapping",
	}},
	{"bad-durations.bad.yaml", []string{
		`:5:9: step "negative" at: duration "-1d" is negative: expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo`,
		`:8:12: step "unknown-unit" after: duration "3x" has unknown unit "x": expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo`,
		`:11:12: step "no-number" after: duration "d" has no number: expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo`,
		`:14:12: step "no-unit" after: duration "5" has no unit: expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo`,
		`:17:12: step "too-long" after: duration "101y" is too long: expected at most 100y (about 100 years)`,
		`:20:12: step "list" after: expected a string, found a list`,
	}},
	{"bad-enums.bad.yaml", []string{
		`:3:7: kind: unknown value "newsletter": expected one of general-interest, industry, value-add, event, lost-sale, after-sale, custom`,
		`:4:9: anchor: unknown value "signup": expected one of enrolled, event`,
		`:6:13: enroll.reenroll: unknown value "always": expected one of never, after-exit, after-end`,
	}},
	{"bad-events.bad.yaml", []string{
		`:4:8: enroll.on: unknown event "contact.create": expected one of manual, contact.created, contact.updated, contact.unsubscribed, contact.bounced, contact.birthday, opportunity.created, opportunity.won, opportunity.lost, sale.closed, event.attended, service.due, service.completed`,
		`:6:8: exit.on: "manual" only enrolls and cannot end an enrollment: expected one of contact.created, contact.updated, contact.unsubscribed, contact.bounced, contact.birthday, opportunity.created, opportunity.won, opportunity.lost, sale.closed, event.attended, service.due, service.completed`,
		`:6:33: exit.on: event "opportunity.won" listed twice`,
	}},
	{"bad-hours.bad.yaml", []string{
		":4:9: window.days: expected at least one day, found an empty list",
		`:5:10: window.hours: "9am-5pm": "9am" is not a time of day: expected "HH:MM-HH:MM", such as "09:00-17:00"`,
	}},
	{"bad-ids.bad.yaml", []string{
		`:1:5: id "General_Interest" is not an id: expected lowercase letters, digits and dashes ([a-z0-9-]+)`,
		`:4:9: step 1 id "Welcome" is not an id: expected lowercase letters, digits and dashes ([a-z0-9-]+)`,
		`:7:7: then "General" is not an id: expected lowercase letters, digits and dashes ([a-z0-9-]+)`,
	}},
	{"bad-steps.bad.yaml", []string{
		`:6:12: step "both": both at and after: expected exactly one of them`,
		`:8:5: step "neither": missing at or after: expected at (an offset from the anchor) or after (an offset from the previous step)`,
		`:13:11: step "two-actions": more than one action (email, call): expected exactly one of email, letter, call or task`,
		`:14:5: step "no-action": missing action: expected one of email, letter, call or task`,
		`:16:9: step id "both" repeated (first on line 4): expected ids unique in the track`,
		":19:5: step 6: missing id: expected an id for the step, such as welcome",
		`:21:5: step 7: expected a mapping with keys id, at, after, email, letter, call, task, found "just-a-string"`,
		":22:4: step 8 is empty: expected a mapping with keys id, at, after, email, letter, call, task",
	}},
	{"bad-types.bad.yaml", []string{
		":1:5: track id: expected a string, found a list",
		":2:7: track name: expected a string, found a mapping",
		":3:14: description: expected a string, found a list",
		":4:9: enroll: expected a mapping with keys on, if, reenroll, found a list",
		`:5:7: exit: expected a mapping with keys on, found "opportunity.won"`,
		`:6:8: steps: expected a list of at least one step, found "welcome"`,
	}},
	{"bad-window.bad.yaml", []string{
		`:4:15: window.days: unknown day "funday": expected mon, tue, wed, thu, fri, sat or sun`,
		`:5:10: window.hours: "17:00-09:00" ends before it starts: expected the start before the end on the same day`,
		`:6:13: window.timezone: unknown time zone "America/Nowhere": expected contact or an IANA zone such as America/Los_Angeles`,
		`:7:13: window.fallback: unknown time zone "Local": expected an IANA zone such as America/Los_Angeles`,
		`:8:3: unknown key "weekends" in window: expected one of days, hours, timezone, fallback`,
	}},
	{"empty.bad.yaml", []string{
		":1:1: empty file: expected a track with id, name and steps",
	}},
	{"missing-required.bad.yaml", []string{
		":1:1: track: missing id: expected the track's id, such as general-interest",
		":1:1: track: missing name: expected the track's name for people, such as General Interest",
		":1:1: track: missing steps: expected a list of at least one step",
	}},
	{"no-steps.bad.yaml", []string{
		":3:8: steps: expected a list of at least one step, found an empty list",
	}},
	{"not-a-mapping.bad.yaml", []string{
		":1:1: track: expected a mapping with keys id, name, kind, description, enroll, anchor, exit, window, steps, then, found a list",
	}},
	{"repeated-key.bad.yaml", []string{
		`:3:1: track: key "name" repeated (first on line 2)`,
		`:7:31: step "hello" email: key "template" repeated (first on line 7)`,
	}},
	{"syntax.bad.yaml", []string{
		":5:9: invalid YAML: did not find expected ',' or ']': the [ here is not closed",
	}},
	{"two-documents.bad.yaml", []string{
		":7:1: a second YAML document: expected one track per file",
	}},
	{"unknown-key.bad.yaml", []string{
		":1:1: track: missing name: expected the track's name for people, such as General Interest",
		`:2:1: unknown key "nmae" in track: did you mean name? expected one of id, name, kind, description, enroll, anchor, exit, window, steps, then`,
		`:4:5: step "hello": missing action: expected one of email, letter, call or task`,
		`:6:5: unknown key "emial" in step "hello": did you mean email? expected one of id, at, after, email, letter, call, task`,
	}},
}

func TestBadTracks(t *testing.T) {
	files, err := filepath.Glob("testdata/*.bad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(badTracks) {
		t.Errorf("%d testdata/*.bad.yaml files but %d in the table", len(files), len(badTracks))
	}
	for _, tt := range badTracks {
		t.Run(tt.file, func(t *testing.T) {
			file := filepath.Join("testdata", tt.file)
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := Parse(file, src)
			if tr != nil {
				t.Errorf("Parse returned a track with errors")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse error %v (%T), want an ErrorList", err, err)
			}
			want := make([]string, len(tt.errs))
			for i, e := range tt.errs {
				want[i] = file + e
			}
			if got := strings.Split(list.Error(), "\n"); !reflect.DeepEqual(got, want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
