package storetest

import (
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
)

// birthdaysOn: the birthday's month and day on day's own date; Feb 29
// birthdays fall on Feb 28 in years without a Feb 29.
func birthdaysOn(e *env) {
	born := func(y int, m time.Month, d int) int64 {
		b := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return e.h.AddContact(engine.Contact{Email: fmt.Sprintf("b%d%d%d@example.com", y, m, d), Birthday: &b})
	}
	leap, feb28, mar1 := born(2000, time.February, 29), born(1990, time.February, 28), born(1985, time.March, 1)
	e.h.AddContact(engine.Contact{Email: "nobirthday@example.com"})
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range []struct {
		day  time.Time
		want []int64
	}{
		{time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC), []int64{leap, feb28}},
		{time.Date(2028, 2, 28, 0, 0, 0, 0, time.UTC), []int64{feb28}},
		{time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), []int64{leap}},
		{time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC), []int64{mar1}},
		{time.Date(2027, 2, 28, 22, 0, 0, 0, la), []int64{leap, feb28}}, // Mar 1 in UTC
		{time.Date(2027, 7, 4, 0, 0, 0, 0, time.UTC), nil},
	} {
		got, err := e.s.BirthdaysOn(e.ctx, c.day)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			e.t.Errorf("BirthdaysOn(%s) = %v, %v; want %v", c.day, got, err, c.want)
		}
	}
}

// suppressedTrimsAndLowers: an address is suppressed whatever its case and
// surrounding spaces, in the list, in Work and in ContactsByEmail.
func suppressedTrimsAndLowers(e *env) {
	dana := e.h.AddContact(engine.Contact{Email: " Dana@Example.COM ", FirstName: "Dana"})
	ne := newEnrollment(dana, "", T0)
	e.tx(func(tx engine.Tx) error { return tx.CreateEnrollment(e.ctx, &ne.Enrollment, &ne.First) })
	if w := e.work(ne.First); w.Suppressed != "" {
		e.t.Fatalf("Work.Suppressed = %q before any suppression", w.Suppressed)
	}
	e.tx(func(tx engine.Tx) error {
		if err := tx.Suppress(e.ctx, "dana@example.com", engine.SuppressUnsubscribe, "link", T0); err != nil {
			return err
		}
		return tx.Suppress(e.ctx, " DANA@example.com", engine.SuppressHardBounce, "550", T0) // keeps the first
	})
	if w := e.work(ne.First); w.Suppressed != engine.SuppressUnsubscribe {
		e.t.Errorf("Work.Suppressed for %q = %q, want unsubscribe", " Dana@Example.COM ", w.Suppressed)
	}
	e.tx(func(tx engine.Tx) error {
		why, err := tx.Suppressed(e.ctx, " Dana@EXAMPLE.com ")
		if err == nil && why != engine.SuppressUnsubscribe {
			e.t.Errorf("Suppressed = %q, want unsubscribe (the first reason)", why)
		}
		ids, err := tx.ContactsByEmail(e.ctx, "DANA@example.com")
		if err == nil && fmt.Sprint(ids) != fmt.Sprint([]int64{dana}) {
			e.t.Errorf("ContactsByEmail = %v, want [%d]", ids, dana)
		}
		return err
	})
}

// work reads what a worker needs about a touch.
func (e *env) work(tc engine.Touch) engine.Work {
	e.t.Helper()
	w, err := e.s.Work(e.ctx, tc)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// workReads: Work returns the enrollment, the contact and its owner.
func workReads(e *env) {
	rep := e.h.AddRep(engine.Rep{Username: "jsmith", Name: "Jane Smith", Email: "jane@example.com", Role: "sales"})
	owned := e.h.AddContact(engine.Contact{Email: "pat@example.com", FirstName: "Pat", OwnerID: rep, City: "Fresno"})
	ne := newEnrollment(owned, "", T0)
	e.tx(func(tx engine.Tx) error { return tx.CreateEnrollment(e.ctx, &ne.Enrollment, &ne.First) })
	w := e.work(ne.First)
	if w.Enrollment.ID != ne.Enrollment.ID || w.Contact.ID != owned || w.Contact.City != "Fresno" ||
		w.Owner.ID != rep || w.Owner.Username != "jsmith" || w.Suppressed != "" {
		e.t.Errorf("Work = %+v", w)
	}
	_, alone := e.enroll(T0)
	if w := e.work(alone); w.Owner.ID != 0 {
		e.t.Errorf("Work of a contact without an owner has owner %+v", w.Owner)
	}
}

// recordEventOnce: the same event is recorded once; another time or item is new.
func recordEventOnce(e *env) {
	c := e.contact("ev@example.com")
	ev := engine.Event{ContactID: c, Name: "sale.closed", At: T0, Amount: "100.00", Item: "Printer"}
	later, other := ev, ev
	later.At = T0.Add(time.Second)
	other.Item = "Scanner"
	sameInstant := ev
	sameInstant.At = T0.In(time.FixedZone("EST", -5*3600))
	for i, c := range []struct {
		ev    engine.Event
		fresh bool
	}{{ev, true}, {ev, false}, {sameInstant, false}, {later, true}, {other, true}} {
		e.tx(func(tx engine.Tx) error {
			fresh, err := tx.RecordEvent(e.ctx, c.ev)
			if err == nil && fresh != c.fresh {
				e.t.Errorf("RecordEvent #%d (%+v) = %v, want %v", i, c.ev, fresh, c.fresh)
			}
			return err
		})
	}
}
