package postgres_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestActivityTypesAreSeeded(t *testing.T) {
	t.Parallel()
	s := setup(t)
	types, err := s.ActivityTypes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	points := map[string]int{}
	for _, at := range types {
		points[at.Name] = at.Points
	}
	// A sample of the ConnectWise table and the automated touch types.
	want := map[string]int{
		"Add Prospect to Funnel": 3, "1st Appointment": 10, "Discovery Meeting": 12,
		"Presentation Appointment": 14, "Follow Up Appointment to Close": 16,
		"2 Hr Cold Call Block": 15, "Marketing Track Activity Call": 1, "Lead Follow Up Call": 1,
		"Technology Business Review Meeting": 20, "Approved Wow Experience": 10,
		"Marketing Track Email": 0, "Marketing Track Letter": 0, "Marketing Track Task": 0,
	}
	for name, p := range want {
		if got, ok := points[name]; !ok || got != p {
			t.Errorf("activity type %q: %d points (present %v), want %d", name, got, ok, p)
		}
	}
	if len(types) != 24 {
		t.Errorf("%d activity types, want 21 from the table and 3 automated", len(types))
	}
}

func TestCreateActivityTakesPointsFromItsType(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ids := addContacts(t, s, 1)
	cases := []struct{ typ, stored string }{
		{"Discovery Meeting", "Discovery Meeting"},
		{"technology business review meeting", "Technology Business Review Meeting"},
		{"Marketing Track Email", "Marketing Track Email"},
	}
	wantPoints := []int{12, 20, 0}
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		for i, c := range cases {
			a := engine.Activity{ContactID: ids[0], Type: c.typ, Subject: "s", Status: engine.ActivityDone,
				CompletedAt: t0, CreatedAt: t0, Points: 99}
			if err := tx.CreateActivity(ctx, &a); err != nil {
				return err
			}
			if a.ID == 0 || a.Points != wantPoints[i] || a.Type != c.stored || !a.CreatedAt.Equal(t0) {
				t.Errorf("activity %q stored as %+v; want %q with %d points", c.typ, a, c.stored, wantPoints[i])
			}
		}
		return nil
	})
	err := s.Tx(context.Background(), func(tx engine.Tx) error {
		return tx.CreateActivity(context.Background(), &engine.Activity{ContactID: ids[0], Type: "Golf Outing"})
	})
	if !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), `"Golf Outing"`) {
		t.Errorf("unknown activity type: %v; want ErrNotFound naming it", err)
	}
	// Together, the types are looked up each for its own activity, and the
	// unknown one among them is named.
	batch := make([]*engine.Activity, len(cases))
	for i, c := range cases {
		batch[len(cases)-1-i] = &engine.Activity{ContactID: ids[0], Type: c.typ, Status: engine.ActivityDone, CompletedAt: t0, CreatedAt: t0}
	}
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error { return tx.CreateActivities(ctx, batch) })
	for i, a := range batch {
		c := len(cases) - 1 - i
		if a.ID == 0 || a.Points != wantPoints[c] || a.Type != cases[c].stored || !a.CreatedAt.Equal(t0) {
			t.Errorf("activity %q of a batch stored as %+v; want %q with %d points", cases[c].typ, *a, cases[c].stored, wantPoints[c])
		}
	}
	err = s.Tx(context.Background(), func(tx engine.Tx) error {
		return tx.CreateActivities(context.Background(), []*engine.Activity{
			{ContactID: ids[0], Type: "Thank You Card"}, {ContactID: ids[0], Type: "Golf Outing"}, {ContactID: ids[0], Type: "Thank You Card"}})
	})
	if !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), `"Golf Outing"`) {
		t.Errorf("unknown activity type in a batch: %v; want ErrNotFound naming it", err)
	}
}

func TestContactRoundTrip(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	birthday := time.Date(1980, 3, 7, 0, 0, 0, 0, time.UTC)
	c := engine.Contact{
		ExternalID: "c-17", Email: "Ann@Example.com", FirstName: "Ann", LastName: "Lee",
		Company: "Tows R Us", Title: "Owner", Phone: "555-0100", TimeZone: "America/Denver",
		Industry: "legal", Owner: "jdoe", LeadSource: "Trade Show", Campaign: "Spring Expo",
		Birthday: &birthday, Street: "1 Main St", City: "Boise", Region: "ID", PostalCode: "83702",
		Country: "US", Custom: map[string]string{"fleet_size": "12"},
	}
	if err := s.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if c.Status != engine.StatusProspect || c.OwnerID == 0 {
		t.Errorf("created contact = %+v; want status prospect and an owner", c)
	}
	dup := engine.Contact{ExternalID: "c-17"}
	if err := s.CreateContact(ctx, &dup); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("duplicate external id: %v, want ErrConflict", err)
	}
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		got, err := tx.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("stored contact\n got %+v\nwant %+v", got, c)
		}
		rep, err := tx.RepByUsername(ctx, "jdoe")
		if err != nil || rep.ID != c.OwnerID || rep.Role != "sales" {
			t.Errorf("owner = %+v, %v", rep, err)
		}
		if _, err := tx.Contact(ctx, c.ID+1000); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("missing contact: %v, want ErrNotFound", err)
		}
		ids, err := tx.ContactsByEmail(ctx, " ann@EXAMPLE.com ")
		if err != nil || len(ids) != 1 || ids[0] != c.ID {
			t.Errorf("ContactsByEmail = %v, %v", ids, err)
		}
		zones, err := tx.TimeZones(ctx, []int64{c.ID, c.ID + 1000})
		if err != nil || !reflect.DeepEqual(zones, map[int64]string{c.ID: "America/Denver"}) {
			t.Errorf("TimeZones = %v, %v", zones, err)
		}
		ev := engine.Event{ContactID: c.ID, Name: "sale.closed", At: t0, Amount: "1200.00", Item: "server"}
		for i, want := range []bool{true, false} {
			if fresh, err := tx.RecordEvent(ctx, ev); err != nil || fresh != want {
				t.Errorf("RecordEvent %d = %v, %v; want %v (the same event is recorded once)", i, fresh, err, want)
			}
		}
		return nil
	})
}

func TestReps(t *testing.T) {
	t.Parallel()
	s := setup(t)
	r := engine.Rep{Username: "mgr", Name: "Pat Manager", Email: "pat@example.com", Signature: "Pat", Role: "manager", MonthlyQuota: 500}
	if err := s.CreateRep(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRep(context.Background(), &engine.Rep{Username: "mgr"}); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("duplicate username: %v, want ErrConflict", err)
	}
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		got, err := tx.Rep(ctx, r.ID)
		if err != nil || got != r {
			t.Errorf("Rep = %+v, %v; want %+v", got, err, r)
		}
		if _, err := tx.RepByUsername(ctx, "nobody"); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("unknown username: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func TestSuppressions(t *testing.T) {
	t.Parallel()
	s := setup(t)
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		if err := tx.Suppress(ctx, " Bob@Example.COM", engine.SuppressHardBounce, "550 no such user", t0); err != nil {
			return err
		}
		if err := tx.Suppress(ctx, "bob@example.com", engine.SuppressUnsubscribe, "", t0); err != nil {
			return err
		}
		if err := tx.Suppress(ctx, "x@example.com", "dislike", "", t0); err == nil {
			t.Error("unknown suppression reason accepted")
		}
		for email, want := range map[string]string{"BOB@example.com": "hard_bounce", "carol@example.com": ""} {
			got, err := tx.Suppressed(ctx, email)
			if err != nil || got != want {
				t.Errorf("Suppressed(%q) = %q, %v; want %q", email, got, err, want)
			}
		}
		return nil
	})
}

func TestTouchLifecycleInTx(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ids := addContacts(t, s, 1)
	enrollAll(t, s, "gi", ids, func(int) time.Time { return t0 })
	first := pendingOf(t, s, ids[0])[0]
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		if err := tx.RescheduleTouch(ctx, first.ID, t0.Add(time.Hour)); err != nil {
			return err
		}
		if err := tx.FinishTouch(ctx, first.ID, engine.TouchDone, "", t0.Add(time.Hour)); err != nil {
			return err
		}
		if err := tx.FinishTouch(ctx, first.ID, engine.TouchSkipped, "again", t0); !errors.Is(err, engine.ErrConflict) {
			t.Errorf("finishing a done touch: %v, want ErrConflict", err)
		}
		if err := tx.RescheduleTouch(ctx, first.ID, t0); !errors.Is(err, engine.ErrConflict) {
			t.Errorf("rescheduling a done touch: %v, want ErrConflict", err)
		}
		if err := tx.FinishTouch(ctx, first.ID, engine.TouchQueued, "", t0); err == nil {
			t.Error("finishing as queued accepted")
		}
		next := first
		next.ID, next.StepIndex, next.StepID, next.Due = 0, 1, "intro-call", t0.Add(72*time.Hour)
		if err := tx.CreateTouch(ctx, &next); err != nil {
			return err
		}
		done, err := tx.Touch(ctx, first.ID)
		if err != nil || done.State != engine.TouchDone || !done.FinishedAt.Equal(t0.Add(time.Hour)) || !done.Due.Equal(t0.Add(time.Hour)) {
			t.Errorf("finished touch = %+v, %v", done, err)
		}
		pending, err := tx.PendingTouches(ctx, first.EnrollmentID)
		if err != nil || len(pending) != 1 || pending[0] != next {
			t.Errorf("PendingTouches = %+v, %v; want %+v", pending, err, next)
		}
		l := engine.Letter{ContactID: ids[0], TouchID: next.ID, Template: "gi-postcard", Body: "Dear Ann", CreatedAt: t0}
		if err := tx.CreateLetter(ctx, &l); err != nil || l.ID == 0 {
			t.Errorf("CreateLetter = %+v, %v", l, err)
		}
		_, err = tx.Touch(ctx, next.ID+1000)
		if !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("missing touch: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	t.Parallel()
	s := setup(t)
	boom := errors.New("boom")
	err := s.Tx(context.Background(), func(tx engine.Tx) error {
		if err := tx.Suppress(context.Background(), "a@example.com", engine.SuppressComplaint, "", t0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx = %v, want the callback's error", err)
	}
	inTx(t, s, func(ctx context.Context, tx engine.Tx) error {
		if why, err := tx.Suppressed(ctx, "a@example.com"); why != "" || err != nil {
			t.Errorf("after rollback Suppressed = %q, %v; want nothing", why, err)
		}
		return nil
	})
}
