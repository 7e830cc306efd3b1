package csvio

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestParseEventsGood(t *testing.T) {
	in := "\ufeff\"At\",Contact,EVENT,track,amount,item\n" +
		"2026-02-01T09:00:00Z,c-1,sale.closed,,1250.00,Copier X200\n" +
		"2026-02-02T09:30:00-05:00,ann@example.com,Manual,lost-sale,,\n" +
		",,,,,\n" +
		"2026-02-03T10:00:00.5Z,c-2,event.attended,,3,\"Spring\nOpen House\"\n"
	got, errs := ParseEvents("e.csv", strings.NewReader(in))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := []EventRow{
		{Line: 2, Contact: "c-1", Event: engine.Event{Name: "sale.closed", At: mustTime("2026-02-01T09:00:00Z"), Amount: "1250.00", Item: "Copier X200"}},
		{Line: 3, Contact: "ann@example.com", Event: engine.Event{Name: "manual", At: mustTime("2026-02-02T09:30:00-05:00"), Track: "lost-sale"}},
		{Line: 5, Contact: "c-2", Event: engine.Event{Name: "event.attended", At: mustTime("2026-02-03T10:00:00.5Z"), Amount: "3", Item: "Spring\nOpen House"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Event.At.Equal(w.Event.At) {
			t.Errorf("row %d: at %v, want %v", i, g.Event.At, w.Event.At)
		}
		g.Event.At, w.Event.At = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseEventsErrors(t *testing.T) {
	const known = "manual, contact.created, contact.updated, contact.unsubscribed, contact.bounced, " +
		"contact.birthday, opportunity.created, opportunity.won, opportunity.lost, sale.closed, " +
		"event.attended, service.due, service.completed"
	tests := []struct {
		name  string
		in    string
		errs  []string
		lines []int // lines of the rows that go in
	}{
		{
			name: "empty file",
			in:   "",
			errs: []string{"e.csv:1: empty file: want a header row"},
		},
		{
			name: "missing column",
			in:   "contact,event\nc-1,sale.closed\n",
			errs: []string{`e.csv:1: header: no "at" column: want contact, event and at`},
		},
		{
			name: "unknown column",
			in:   "contact,event,at,when\n",
			errs: []string{`e.csv:1: header: unknown column "when": want contact, event, at, track, amount, item`},
		},
		{
			name: "bad rows",
			in: "contact,event,at,track,amount\n" +
				",,,,\n" +
				",sale.closed,,,\n" +
				"c-1,sale.close,2026-02-01,,$1200\n" +
				"c-1,manual,2026-02-01T09:00:00Z,,\n" +
				"c-1,,2026-02-01T09:00:00,,1.2.3\n" +
				"c-2,opportunity.won,2026-02-01T09:00:00Z,,12.\n" +
				"c-3,opportunity.lost,2026-02-01T09:00:00+01:00,,\n",
			errs: []string{
				"e.csv:3: contact: empty: want an external_id or email; at: empty: want an RFC 3339 time such as 2026-01-05T09:00:00Z",
				`e.csv:4: event "sale.close": unknown: want one of ` + known +
					`; at "2026-02-01": want an RFC 3339 time such as 2026-01-05T09:00:00Z; amount "$1200": want a plain decimal number such as 1250.00`,
				"e.csv:5: event manual: want the track to enroll on in the track column",
				`e.csv:6: event: empty: want an event name such as sale.closed; at "2026-02-01T09:00:00": want an RFC 3339 time such as 2026-01-05T09:00:00Z; amount "1.2.3": want a plain decimal number such as 1250.00`,
				`e.csv:7: amount "12.": want a plain decimal number such as 1250.00`,
			},
			lines: []int{8},
		},
		{
			name:  "field count",
			in:    "contact,event,at\nc-1,sale.closed\nc-1,sale.closed,2026-02-01T09:00:00Z\n",
			errs:  []string{"e.csv:2: has 2 fields, the header has 3"},
			lines: []int{3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseEvents("e.csv", strings.NewReader(tt.in))
			checkErrors(t, errs, tt.errs)
			var lines []int
			for _, r := range got {
				lines = append(lines, r.Line)
			}
			if !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("rows in at lines %v, want %v", lines, tt.lines)
			}
		})
	}
}
