package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/engine"
)

// More cases found by planting bugs in the engine (docs/mutation.md).

func TestEnrollConditionsIgnoreCase(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com", func(c *engine.Contact) { c.Industry = "Legal" })
	res := f.event(c, "contact.created")
	if !slices.Contains(res.Enrolled, "legal") {
		t.Fatalf("a contact in industry Legal enrolled on %v, want the legal track too", res.Enrolled)
	}
}

// TestActivitiesGoToTheOwnerWithTheTouchDue: the call is logged for the
// contact's owner (not whichever rep shares the contact's id), due when the
// touch was due even when the worker ran late.
func TestActivitiesGoToTheOwnerWithTheTouchDue(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	other := engine.Rep{Username: "bwong", Name: "Bo Wong", Email: "bo@summit.example", Role: "sales"}
	if err := f.store.CreateRep(f.ctx, &other); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"first@example.com", "second@example.com"} {
		f.contact(addr) // so that no contact's id is its owner's
	}
	c := f.contact("pat@example.com", func(c *engine.Contact) { c.OwnerID = other.ID })
	f.event(c, "contact.created")
	f.clock.Set(start.Add(26 * time.Hour))
	id := f.queueOne()
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	var (
		rep    int64
		due    time.Time
		status string
	)
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT rep_id, due, status FROM activities WHERE touch_id = $1`, id).Scan(&rep, &due, &status); err != nil {
		t.Fatal(err)
	}
	if rep != other.ID || !due.Equal(start) || status != "open" {
		t.Fatalf("call activity for rep %d due %s %s; want rep %d due %s open", rep, due.UTC(), status, other.ID, start)
	}
}

// TestBounceKinds: a hard bounce records contact.bounced, a complaint
// contact.unsubscribed, a soft bounce nothing.
func TestBounceKinds(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	hard := f.contact("hard@example.com")
	complaint := f.contact("complaint@example.com")
	soft := f.contact("soft@example.com")
	for _, b := range []struct{ email, kind string }{{"hard@example.com", "hard"}, {"complaint@example.com", "complaint"}, {"soft@example.com", "soft"}} {
		if err := f.eng.Bounce(f.ctx, b.email, b.kind, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		c    engine.Contact
		want string
	}{{hard, "contact.bounced"}, {complaint, "contact.unsubscribed"}, {soft, ""}} {
		var got string
		if err := f.store.Pool().QueryRow(f.ctx, `SELECT coalesce(string_agg(name, ','), '') FROM events WHERE contact_id = $1`, tt.c.ID).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: events %q, want %q", tt.c.Email, got, tt.want)
		}
	}
}

// TestDefaultActivityTypes: a step that names no activity type is logged as
// the marketing-track type of its channel.
func TestDefaultActivityTypes(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	f.runUntil(start.AddDate(0, 1, 0))
	rows, err := f.store.Pool().Query(f.ctx, `SELECT t.step_id || ':' || a.type FROM activities a JOIN touches t ON t.id = a.touch_id
		WHERE a.contact_id = $1 ORDER BY t.id`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	want := []string{"hello:Marketing Track Activity Call", "letter:Marketing Track Letter",
		"again:Marketing Track Activity Call", "only:Marketing Track Task"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("activity types %v, %v; want %v", got, err, want)
	}
}
