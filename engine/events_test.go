package engine_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

// batchScript is a run of events across contacts that exercises every rule
// an event follows: enrollment conditions, the same event twice, an exit,
// re-enrollment after it, a late first touch (an old sale), a manual
// enrollment, and events the engine refuses alone.
func batchScript(f *fixture) []engine.Event {
	ann := f.contact("ann@example.com")
	bo := f.contact("bo@example.com", func(c *engine.Contact) { c.Industry = "legal" })
	cy := f.contact("cy@example.com", func(c *engine.Contact) { c.Status = engine.StatusCustomer })
	at := func(d time.Duration) time.Time { return start.Add(d) }
	return []engine.Event{
		{ContactID: ann.ID, Name: "contact.created", At: at(0)},
		{ContactID: bo.ID, Name: "contact.created", At: at(0)},
		{ContactID: cy.ID, Name: "contact.created", At: at(0)},
		{ContactID: ann.ID, Name: "contact.created", At: at(0)}, // the same event again
		{ContactID: ann.ID, Name: "opportunity.lost", At: at(time.Minute)},
		{ContactID: bo.ID, Name: "opportunity.lost", At: at(time.Minute)},
		{ContactID: ann.ID, Name: "opportunity.won", At: at(2 * time.Minute)},  // exits nurture and lost
		{ContactID: ann.ID, Name: "opportunity.lost", At: at(3 * time.Minute)}, // lost again: after-exit
		{ContactID: bo.ID, Name: "opportunity.lost", At: at(3 * time.Minute)},  // still open: no
		{ContactID: cy.ID, Name: "sale.closed", At: at(-30 * 24 * time.Hour)},  // a late start
		{ContactID: bo.ID, Name: "manual", Track: "year", At: at(0)},
		{ContactID: cy.ID + 1000, Name: "contact.created", At: at(0)}, // no such contact
		{ContactID: cy.ID, Name: "manual", Track: "nope", At: at(0)},  // no such track
	}
}

// TestHandleEventsInMatchesOneAtATime runs the script through HandleEventsIn
// in one transaction and through HandleEvent one event at a time, and wants
// the same results and the same enrollments and touches.
func TestHandleEventsInMatchesOneAtATime(t *testing.T) {
	t.Parallel()
	one := setup(t, nil)
	var want []string
	for _, ev := range batchScript(one) {
		res, err := one.eng.HandleEvent(one.ctx, ev)
		if err != nil { // its own transaction: nothing else is lost
			want = append(want, "refused")
			continue
		}
		want = append(want, fmt.Sprint(res))
	}

	many := setup(t, nil)
	evs := batchScript(many)
	var outs []engine.EventOutcome
	err := many.store.Tx(many.ctx, func(tx engine.Tx) error {
		var err error
		outs, err = many.eng.HandleEventsIn(many.ctx, tx, evs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range outs {
		if o.Refused != nil {
			if !errors.Is(o.Refused, engine.ErrNotFound) {
				t.Errorf("refused with %v, want it to wrap ErrNotFound", o.Refused)
			}
			got = append(got, "refused")
			continue
		}
		got = append(got, fmt.Sprint(o.EventResult))
	}
	if !slices.Equal(got, want) {
		t.Errorf("HandleEventsIn results:\n%q\nwant, as one at a time:\n%q", got, want)
	}
	if g, w := stateOf(many), stateOf(one); !slices.Equal(g, w) {
		t.Errorf("after HandleEventsIn:\n%s\nwant, as one at a time:\n%s", g, w)
	}
}

// stateOf lists every enrollment and touch, by contact email, track and
// step, with their states, times and triggers.
func stateOf(f *fixture) []string {
	f.t.Helper()
	rows, err := f.store.Pool().Query(f.ctx, `
		SELECT c.email || ' ' || e.track_id || ' v' || e.track_version || ' ' || e.state || ' ' || e.reason
			|| ' anchor=' || e.anchor || ' by=' || e.event_name || '@' || coalesce(e.event_at::text, '')
			|| ' ' || coalesce(t.step_id || ' ' || t.state || ' ' || t.due || ' ' || t.reason, '')
		FROM enrollments e JOIN contacts c ON c.id = e.contact_id
		LEFT JOIN touches t ON t.enrollment_id = e.id
		ORDER BY c.email, e.track_id, e.started_at, e.id, t.id`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}
