package storetest

import (
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// recordEventsOnce: RecordEvents records each event once, whether it was
// recorded before or repeats an earlier one of the same call.
func recordEventsOnce(e *env) {
	c := e.contact("evs@example.com")
	ev := engine.Event{ContactID: c, Name: "sale.closed", At: T0, Amount: "100.00", Item: "Printer"}
	later, sameInstant := ev, ev
	later.At = T0.Add(time.Second)
	sameInstant.At = T0.In(time.FixedZone("EST", -5*3600))
	other := ev
	other.Item = "Scanner"
	for _, c := range []struct {
		evs  []engine.Event
		want []bool
	}{
		{[]engine.Event{ev, ev, sameInstant, later}, []bool{true, false, false, true}},
		{[]engine.Event{later, other}, []bool{false, true}},
	} {
		e.tx(func(tx engine.Tx) error {
			fresh, err := tx.RecordEvents(e.ctx, c.evs)
			if err == nil && !slices.Equal(fresh, c.want) {
				e.t.Errorf("RecordEvents(%d events) = %v, want %v", len(c.evs), fresh, c.want)
			}
			return err
		})
	}
}

// enrollAllInTx: EnrollAll makes the first entry for each contact and track
// that the rules allow, keeps its trigger, and reports which; the contacts
// and open enrollments read back in bulk.
func enrollAllInTx(e *env) {
	ann, bo := e.contact("ann@example.com"), e.contact("bo@example.com")
	trigger := engine.Event{Name: "contact.created", At: T0}
	first := newEnrollment(ann, tracks.ReenrollNever, T0)
	first.Enrollment.Trigger = trigger
	again := newEnrollment(ann, tracks.ReenrollNever, T0.Add(time.Hour))
	other := newEnrollment(bo, tracks.ReenrollNever, T0)
	e.tx(func(tx engine.Tx) error {
		created, err := tx.EnrollAll(e.ctx, []engine.NewEnrollment{first, again, other})
		if err == nil && !slices.Equal(created, []bool{true, false, true}) {
			e.t.Errorf("EnrollAll = %v, want [true false true]", created)
		}
		return err
	})
	e.tx(func(tx engine.Tx) error {
		created, err := tx.EnrollAll(e.ctx, []engine.NewEnrollment{again})
		if err == nil && !slices.Equal(created, []bool{false}) {
			e.t.Errorf("EnrollAll while open = %v, want [false]", created)
		}
		open, err := tx.OpenEnrollments(e.ctx, []int64{ann, bo, bo + 1000})
		if err != nil {
			return err
		}
		var got []string
		for _, en := range open {
			got = append(got, fmt.Sprintf("%d %s %s", en.ContactID, en.State, en.Trigger.Name))
		}
		slices.Sort(got)
		want := []string{fmt.Sprintf("%d active contact.created", ann), fmt.Sprintf("%d active ", bo)}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			e.t.Errorf("OpenEnrollments = %q, want %q", got, want)
		}
		cs, err := tx.ContactsByID(e.ctx, []int64{ann, bo + 1000})
		if err == nil && (len(cs) != 1 || cs[ann].Email != "ann@example.com") {
			e.t.Errorf("ContactsByID = %+v, want ann alone", cs)
		}
		return err
	})
}
