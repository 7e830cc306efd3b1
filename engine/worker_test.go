package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// failing is a letter channel that fails with err.
type failing struct {
	engine.AnyoneReach
	err error
}

func (f failing) Deliver(context.Context, engine.Dispatch) (engine.Outcome, error) {
	return engine.Outcome{}, f.err
}

func TestPermanentFailureKeepsTheErrorAndMovesOn(t *testing.T) {
	t.Parallel()
	f := setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelLetter: failing{err: engine.Permanent(errors.New("printer template broken"))}})
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	f.runUntil(start.AddDate(0, 0, 3))

	ts := f.touches(c)
	if len(ts) != 3 {
		t.Fatalf("touches = %+v, want hello, letter and the next call scheduled", ts)
	}
	if ts[1].State != engine.TouchFailed || ts[1].Reason != "printer template broken" {
		t.Fatalf("letter touch = %s %q, want failed with the error", ts[1].State, ts[1].Reason)
	}
	if ts[2].StepID != "again" || ts[2].State != engine.TouchScheduled {
		t.Fatalf("after a failure the track stalled: %+v", ts[2])
	}
}

func TestTemporaryFailureRetriesThenFails(t *testing.T) {
	t.Parallel()
	f := setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelLetter: failing{err: errors.New("451 try later")}})
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	f.runUntil(start.AddDate(0, 0, 1)) // the hello call
	f.clock.Set(start.AddDate(0, 0, 2))
	batch, err := f.store.QueueDue(f.ctx, f.clock.Now(), f.clock.Now().Add(time.Minute), 10)
	if err != nil || len(batch) != 1 {
		t.Fatalf("QueueDue = %v, %v", batch, err)
	}
	id := batch[0].ID
	for attempt := 1; attempt < 8; attempt++ {
		err := f.eng.Process(f.ctx, id)
		if err == nil || !strings.Contains(err.Error(), "451 try later") {
			t.Fatalf("attempt %d: err = %v, want the temporary error for a retry", attempt, err)
		}
		f.clock.Advance(time.Minute)
	}
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatalf("last attempt: %v, want nil (the touch failed for good)", err)
	}
	ts := f.touches(c)
	if ts[1].State != engine.TouchFailed || !strings.Contains(ts[1].Reason, "451 try later") {
		t.Fatalf("letter touch = %s %q, want failed after 8 attempts", ts[1].State, ts[1].Reason)
	}
	if n := f.count(`SELECT attempts FROM touches WHERE id = $1`, id); n != 8 {
		t.Fatalf("attempts = %d, want 8", n)
	}
}

// TestTransportOutageNeverFailsTheTouch: a channel whose transport is down
// (engine.Outage) keeps its touch queued past MaxAttempts, and those tries
// do not use up its attempts: a temporary failure once the transport is
// back is retried, and it goes out once the message passes.
func TestTransportOutageNeverFailsTheTouch(t *testing.T) {
	t.Parallel()
	ch := &flaky{err: engine.Outage(errors.New("504 5.5.2 need fully-qualified hostname"))}
	f := setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelLetter: ch})
	c := f.contact("pat@example.com")
	f.event(c, "contact.created")
	f.runUntil(start.AddDate(0, 0, 1))
	f.clock.Set(start.AddDate(0, 0, 2))
	batch, err := f.store.QueueDue(f.ctx, f.clock.Now(), f.clock.Now().Add(time.Minute), 10)
	if err != nil || len(batch) != 1 {
		t.Fatalf("QueueDue = %v, %v", batch, err)
	}
	id := batch[0].ID
	for attempt := 1; attempt <= 12; attempt++ {
		if err := f.eng.Process(f.ctx, id); err == nil || !engine.IsOutage(err) {
			t.Fatalf("attempt %d: err = %v, want the outage back for a retry", attempt, err)
		}
		f.clock.Advance(time.Minute)
	}
	if ts := f.touches(c); ts[1].State != engine.TouchQueued {
		t.Fatalf("letter touch after 12 outages = %s %q, want queued", ts[1].State, ts[1].Reason)
	}
	if n := f.count(`SELECT attempts - outages FROM touches WHERE id = $1`, id); n != 0 {
		t.Fatalf("after 12 outages %d real attempts counted, want 0", n)
	}
	ch.err = errors.New("451 try later")
	if err := f.eng.Process(f.ctx, id); err == nil || engine.IsOutage(err) {
		t.Fatalf("first real attempt, after 12 outages: %v, want the temporary error for a retry", err)
	}
	f.clock.Advance(time.Minute)
	ch.err = nil
	if err := f.eng.Process(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if ts := f.touches(c); ts[1].State != engine.TouchDone {
		t.Fatalf("letter touch once the transport works = %s %q, want done", ts[1].State, ts[1].Reason)
	}
}

// flaky is a letter channel that fails with err while it is set.
type flaky struct {
	engine.AnyoneReach
	err error
}

func (f *flaky) Deliver(context.Context, engine.Dispatch) (engine.Outcome, error) {
	return engine.Outcome{}, f.err
}

func TestPauseHoldsAndResumeReschedules(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")
	enID := f.enrollmentID(c)
	if err := f.eng.Pause(f.ctx, enID); err != nil {
		t.Fatal(err)
	}
	if n := len(f.runUntil(start.AddDate(0, 0, 10))); n != 0 {
		t.Fatalf("%d touches ran while paused", n)
	}
	if err := f.eng.Pause(f.ctx, enID); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("pausing twice: %v, want ErrConflict", err)
	}
	if err := f.eng.Resume(f.ctx, enID); err != nil {
		t.Fatal(err)
	}
	ts := f.touches(c)
	if !ts[0].Due.Equal(f.clock.Now()) {
		t.Fatalf("resumed overdue touch due %s, want now %s", ts[0].Due, f.clock.Now())
	}
	if n := len(f.runUntil(start.AddDate(0, 0, 11))); n != 1 {
		t.Fatalf("%d touches ran after resume, want the overdue wedge call", n)
	}
	if err := f.eng.Unenroll(f.ctx, enID, "rep asked"); err != nil {
		t.Fatal(err)
	}
	ts = f.touches(c)
	if last := ts[len(ts)-1]; last.State != engine.TouchCanceled || last.Reason != "rep asked" {
		t.Fatalf("after unenroll the pending touch is %s %q, want canceled: rep asked", last.State, last.Reason)
	}
}

func TestChangedTrackKeepsRunningEnrollmentsOnTheirVersion(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")

	src := strings.Replace(string(mustRead(t, "testdata/tracks/lost.yaml")), "at: 1d", "at: 3d", 1)
	changed, err := tracks.Parse("lost.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	v, old, err := f.store.SaveTrack(f.ctx, changed.ID, changed.Hash, changed.Source, changed.File)
	if err != nil || v != 2 || old != 1 {
		t.Fatalf("SaveTrack = v%d, %d still on old, %v; want v2 with 1 still on v1", v, old, err)
	}
	f.runUntil(start.AddDate(0, 0, 2))
	if ts := f.touches(c); ts[0].State != engine.TouchDone || len(ts) != 2 {
		t.Fatalf("the running enrollment did not stay on v1: %+v", ts)
	}
}

func TestUnknownActivityTypeRefusesTheLibrary(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	tr, err := tracks.Parse("coffee.yaml", []byte(`id: coffee
name: Coffee
steps:
  - id: invite
    at: 1d
    call: { subject: "Coffee", activity: Coffee With Client }
`))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.NewLibrary([]*tracks.Track{tr}, tracks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{Store: f.store, Clock: f.clock, Library: lib, Templates: f.templates})
	if err != nil {
		t.Fatal(err)
	}
	_, err = eng.LoadLibrary(f.ctx)
	if err == nil || !strings.Contains(err.Error(), `coffee.yaml:4:5: step invite: unknown activity type "Coffee With Client"`) {
		t.Fatalf("LoadLibrary = %v, want the step's position and the unknown type", err)
	}
}

func TestMoveToCurrentVersionIsExplicit(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")

	src := strings.Replace(string(mustRead(t, "testdata/tracks/lost.yaml")), "after: 1mo", "after: 2mo", 1)
	v2, err := tracks.Parse("lost.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.NewLibrary([]*tracks.Track{v2}, tracks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.eng, err = engine.New(engine.Config{Store: f.store, Clock: f.clock, Library: lib, Templates: f.templates, Channels: engine.TaskChannels()})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := f.eng.LoadLibrary(f.ctx)
	if err != nil || len(changes) != 1 || changes[0].Version != 2 || changes[0].StillOnOld != 1 {
		t.Fatalf("LoadLibrary = %+v, %v; want lost v2 with 1 enrollment still on v1", changes, err)
	}
	if n := f.count(`SELECT count(*) FROM enrollments WHERE track_version = 1`); n != 1 {
		t.Fatalf("loading v2 moved the running enrollment by itself")
	}
	res, err := f.eng.MoveToCurrent(f.ctx, "lost")
	if err != nil || res.Moved != 1 || res.Stayed != 0 || res.Version != 2 {
		t.Fatalf("MoveToCurrent = %+v, %v; want 1 moved to v2", res, err)
	}
	f.runUntil(start.AddDate(0, 4, 0))
	ts := f.touches(c)
	if len(ts) != 2 || !ts[1].Due.Equal(ts[0].Due.AddDate(0, 2, 0)) {
		t.Fatalf("touches = %+v; want the later step two months (v2) after the wedge", ts)
	}
}

// exiting is a call channel during whose delivery the contact wins the deal.
type exiting struct {
	engine.AnyoneReach
	f **fixture
}

func (x exiting) Deliver(ctx context.Context, d engine.Dispatch) (engine.Outcome, error) {
	if _, err := (*x.f).eng.HandleEvent(ctx, engine.Event{ContactID: d.Contact.ID, Name: "opportunity.won"}); err != nil {
		return engine.Outcome{}, err
	}
	return engine.Outcome{}, nil
}

func TestExitDuringDeliveryRecordsWhatHappened(t *testing.T) {
	t.Parallel()
	var f *fixture
	f = setup(t, map[tracks.Channel]engine.Channel{tracks.ChannelCall: exiting{f: &f}})
	c := f.contact("pat@example.com")
	f.event(c, "opportunity.lost")
	f.runUntil(start.AddDate(0, 3, 0))

	ts := f.touches(c)
	if len(ts) != 1 || ts[0].State != engine.TouchDone {
		t.Fatalf("touches = %+v; want the wedge call done (it was carried out) and nothing after the exit", ts)
	}
	if n := f.count(`SELECT count(*) FROM enrollments WHERE contact_id = $1 AND state = 'exited'`, c.ID); n != 1 {
		t.Fatal("the enrollment did not exit")
	}
}
