package engine_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
)

// listener is an Observer that checks each outcome is already committed:
// it reads the touch back on another connection.
type listener struct {
	f    **fixture
	mu   sync.Mutex
	seen []engine.Finished
	errs []error
}

func (r *listener) TouchFinished(x engine.Finished) {
	var state string
	err := (*r.f).store.Pool().QueryRow((*r.f).ctx, `SELECT state FROM touches WHERE id = $1`, x.Touch.ID).Scan(&state)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil || state != string(x.Touch.State) {
		r.errs = append(r.errs, fmt.Errorf("touch %d observed %s but stored %q (%v): heard before commit", x.Touch.ID, x.Touch.State, state, err))
	}
	r.seen = append(r.seen, x)
}

func TestObserverHearsEveryOutcomeOnce(t *testing.T) {
	t.Parallel()
	var f *fixture
	rec := &listener{f: &f}
	broken := failing{err: engine.Permanent(errors.New("printer on fire"))}
	f = setupWith(t, map[tracks.Channel]engine.Channel{tracks.ChannelLetter: broken}, nil,
		func(c *engine.Config) { c.Observer = rec })

	failed := f.contact("pat@example.com")
	// A letter to a contact without a street is carried out too (it would go
	// on the unmailable list); here the broken channel fails it.
	skipped := f.contact("kim@example.com", func(c *engine.Contact) { c.Street = "" })
	late := f.contact("sam@example.com")
	f.event(failed, "contact.created")
	f.event(skipped, "contact.created")
	f.event(late, "sale.closed", start.AddDate(0, -6, 0)) // every after-sale step but the last is long past
	f.runUntil(start.AddDate(0, 0, 3))

	// An exit inside a CRM transaction: heard once it commits, never when it rolls back.
	won := engine.Event{ContactID: failed.ID, Name: "opportunity.won", At: f.clock.Now()}
	errRollback := errors.New("the CRM change failed")
	crmStore := postgres.NewCRM(f.store.Pool())
	err := crmStore.Tx(f.ctx, func(tx crm.Tx) error {
		if _, err := f.eng.HandleEventIn(f.ctx, tx.Engine(), won); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("rolled-back change: %v", err)
	}
	if n := len(rec.seen); n != 7 {
		t.Fatalf("heard %d outcomes before the exit, want 7 (2 calls done, 2 letters failed, 3 late): %+v", n, rec.seen)
	}
	err = crmStore.Tx(f.ctx, func(tx crm.Tx) error {
		_, err := f.eng.HandleEventIn(f.ctx, tx.Engine(), won)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.eng.Unenroll(f.ctx, enrollmentOf(t, f, skipped), ""); err != nil {
		t.Fatal(err)
	}

	heard := map[int64]engine.Finished{}
	for _, x := range rec.seen {
		if _, dup := heard[x.Touch.ID]; dup {
			t.Errorf("touch %d heard twice", x.Touch.ID)
		}
		heard[x.Touch.ID] = x
	}
	states := map[engine.TouchState]int{}
	for _, c := range []engine.Contact{failed, skipped, late} {
		for _, st := range f.touches(c) {
			x, ok := heard[st.ID]
			if st.State.Final() != ok {
				t.Errorf("touch %d (%s/%s) is %s; heard: %v", st.ID, st.TrackID, st.StepID, st.State, ok)
				continue
			}
			if !ok {
				continue
			}
			states[st.State]++
			got := x.Touch
			if got.State != st.State || got.Reason != st.Reason || got.StepID != st.StepID || got.TrackID != st.TrackID ||
				got.ContactID != c.ID || got.EnrollmentID == 0 || got.Channel == "" || x.Lag != got.FinishedAt.Sub(st.Due) {
				t.Errorf("heard %+v lag %s; stored %s %q due %s", got, x.Lag, st.State, st.Reason, st.Due)
			}
		}
	}
	want := map[engine.TouchState]int{engine.TouchDone: 2, engine.TouchFailed: 2, engine.TouchSkipped: 3, engine.TouchCanceled: 2}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("outcomes heard = %v, want %v", states, want)
	}
	for _, err := range rec.errs {
		t.Error(err)
	}
	// The first call fell due at enrollment and ran after the three events,
	// each of which moved the clock a second.
	if lag := heard[f.touches(failed)[0].ID].Lag; lag != 3*time.Second {
		t.Errorf("the first call heard with lag %s, want 3s", lag)
	}
}

// enrollmentOf returns the id of the contact's open enrollment.
func enrollmentOf(t *testing.T, f *fixture, c engine.Contact) int64 {
	t.Helper()
	return int64(f.count(`SELECT id FROM enrollments WHERE contact_id = $1 AND state = 'active'`, c.ID))
}
