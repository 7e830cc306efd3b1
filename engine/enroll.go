package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/tracks"
)

// EventResult says what an event did.
type EventResult struct {
	Enrolled  []string // tracks the contact was enrolled on
	Exited    []string // tracks the contact left
	Duplicate bool     // the same event was handled before, so nothing happened
}

// HandleEvent applies one CRM event in one transaction: it records the event,
// ends the contact's enrollments whose `exit:` names it (canceling their
// pending touches), and enrolls the contact on every track whose `enroll:`
// rules it meets. A `manual` event enrolls on the track it names.
func (e *Engine) HandleEvent(ctx context.Context, ev Event) (EventResult, error) {
	var res EventResult
	err := e.cfg.Store.Tx(ctx, func(tx Tx) error {
		var err error
		res, err = e.HandleEventIn(ctx, tx, ev)
		return err
	})
	return res, err
}

// HandleEventIn is HandleEvent inside the caller's transaction, so a CRM
// change and the enrollments it causes commit together or not at all.
func (e *Engine) HandleEventIn(ctx context.Context, tx Tx, ev Event) (EventResult, error) {
	res, err := e.handleEvent(ctx, tx, ev)
	if err != nil {
		return EventResult{}, fmt.Errorf("event %s for contact %d: %w", ev.Name, ev.ContactID, err)
	}
	return res, nil
}

func (e *Engine) handleEvent(ctx context.Context, tx Tx, ev Event) (EventResult, error) {
	var res EventResult
	if !slices.Contains(tracks.Events, ev.Name) {
		return res, fmt.Errorf("unknown event %q", ev.Name)
	}
	if ev.At.IsZero() {
		ev.At = e.now()
	}
	if fresh, err := tx.RecordEvent(ctx, ev); err != nil || !fresh {
		res.Duplicate = !fresh
		return res, err
	}
	c, err := tx.Contact(ctx, ev.ContactID)
	if err != nil {
		return res, err
	}
	if reason := suppressedBy[ev.Name]; reason != "" && c.Email != "" {
		if err := tx.Suppress(ctx, c.Email, reason, "event "+ev.Name, e.now()); err != nil {
			return res, err
		}
	}
	if res.Exited, err = e.exitOn(ctx, tx, c.ID, ev.Name); err != nil {
		return res, err
	}
	met, err := e.tracksMet(ev, c)
	if err != nil {
		return res, err
	}
	for _, t := range met {
		ok, err := e.enroll(ctx, tx, c, t.ID, e.anchor(t, ev), t.Enroll.Reenroll, ev)
		if err != nil {
			return res, err
		}
		if ok {
			res.Enrolled = append(res.Enrolled, t.ID)
		}
	}
	return res, nil
}

// suppressedBy maps the events that put a contact's address on the
// suppression list to the reason recorded.
var suppressedBy = map[string]string{
	tracks.EventUnsubscribed: SuppressUnsubscribe,
	tracks.EventBounced:      SuppressHardBounce,
}

// enrollingTracks lists the tracks an event may enroll on.
func (e *Engine) enrollingTracks(ev Event) ([]*tracks.Track, error) {
	if ev.Name != tracks.EventManual {
		return e.cfg.Library.EnrolledBy(ev.Name), nil
	}
	t, ok := e.cfg.Library.Track(ev.Track)
	if !ok {
		return nil, fmt.Errorf("manual enrollment: unknown track %q: %w", ev.Track, ErrNotFound)
	}
	return []*tracks.Track{t}, nil
}

// tracksMet lists the tracks ev enrolls c on: those whose `enroll:` rules
// the event and contact meet, or the one a `manual` event names.
func (e *Engine) tracksMet(ev Event, c Contact) ([]*tracks.Track, error) {
	cands, err := e.enrollingTracks(ev)
	if err != nil || ev.Name == tracks.EventManual {
		return cands, err
	}
	met := cands[:0:0]
	for _, t := range cands {
		if conditionsHold(t.Enroll.If, c, ev) {
			met = append(met, t)
		}
	}
	return met, nil
}

// exitOn ends the contact's open enrollments whose track exits on event.
func (e *Engine) exitOn(ctx context.Context, tx Tx, contactID int64, event string) ([]string, error) {
	ens, err := tx.Enrollments(ctx, contactID, "")
	if err != nil {
		return nil, err
	}
	var exited []string
	for _, en := range ens {
		if !en.State.Open() {
			continue
		}
		t, err := e.trackVersion(ctx, tx, en.TrackID, en.TrackVersion)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(t.Exit, event) {
			continue
		}
		if err := e.end(ctx, tx, en, EnrollmentExited, "exit: "+event); err != nil {
			return nil, err
		}
		exited = append(exited, en.TrackID)
	}
	return exited, nil
}

// end closes an enrollment and cancels its pending touches with the reason.
// A touch a worker is carrying out right now is left to that worker: it
// records what really happened (the email went out) and, seeing the
// enrollment ended, schedules nothing after it.
func (e *Engine) end(ctx context.Context, tx Tx, en Enrollment, state EnrollmentState, reason string) error {
	now := e.now()
	if err := tx.SetEnrollmentState(ctx, en.ID, state, reason, now); err != nil {
		return err
	}
	pending, err := tx.PendingTouches(ctx, en.ID)
	if err != nil {
		return err
	}
	for _, t := range pending {
		if t.State == TouchRunning {
			continue
		}
		if err := e.finishTouch(ctx, tx, t, TouchCanceled, reason); err != nil {
			return err
		}
	}
	return nil
}

// enroll puts a contact on the current version of a track unless an open
// enrollment exists or the re-enrollment policy forbids it. An empty policy
// (chaining through `then:`) only checks for an open enrollment, as after-end does.
func (e *Engine) enroll(ctx context.Context, tx Tx, c Contact, trackID string, anchor time.Time, policy tracks.Reenroll, trigger Event) (bool, error) {
	t, version, err := e.currentTrack(trackID)
	if err != nil {
		return false, err
	}
	if ok, err := mayEnrollOn(ctx, tx, trackID); !ok || err != nil {
		return false, err
	}
	past, err := tx.Enrollments(ctx, c.ID, trackID)
	if err != nil {
		return false, err
	}
	if !MayEnroll(past, policy) {
		return false, nil
	}
	en, first := e.newEnrollment(t, version, c, anchor, trigger)
	if err := tx.CreateEnrollment(ctx, &en, &first); err != nil {
		return false, err
	}
	return true, e.settleLate(ctx, tx, en, t, c, first)
}

// newEnrollment is an active enrollment of c on version of t, anchored at
// anchor, and its first touch.
func (e *Engine) newEnrollment(t *tracks.Track, version int, c Contact, anchor time.Time, trigger Event) (Enrollment, Touch) {
	en := Enrollment{
		ContactID: c.ID, TrackID: t.ID, TrackVersion: version,
		State: EnrollmentActive, Anchor: anchor, StartedAt: e.now(), Trigger: trigger,
	}
	first := e.firstTouch(t, c, anchor)
	first.ContactID, first.TrackVersion = c.ID, version
	return en, first
}

// MayEnroll applies the one-open-enrollment rule and the re-enrollment policy
// to a contact's past enrollments on a track (newest first). An empty policy,
// used when chaining through `then:`, only checks for an open enrollment.
// Stores that enroll in bulk apply the same rule.
func MayEnroll(past []Enrollment, policy tracks.Reenroll) bool {
	if len(past) == 0 {
		return true
	}
	if past[0].State.Open() {
		return false
	}
	switch policy {
	case "", tracks.ReenrollAfterEnd:
		return true
	case tracks.ReenrollAfterExit:
		return past[0].State == EnrollmentExited
	default:
		return false
	}
}

// firstTouch builds the touch for a track's first step.
func (e *Engine) firstTouch(t *tracks.Track, c Contact, anchor time.Time) Touch {
	loc := t.Location(c.TimeZone)
	return newTouch(t, 0, t.Due(0, anchor, anchor, loc))
}

func newTouch(t *tracks.Track, i int, due time.Time) Touch {
	s := t.Steps[i]
	return Touch{
		TrackID: t.ID, StepIndex: i, StepID: s.ID, Channel: s.Channel,
		Due: due.UTC(), State: TouchScheduled,
	}
}

// conditionsHold reports whether every `enroll.if` condition holds.
func conditionsHold(conds []tracks.Condition, c Contact, ev Event) bool {
	for _, cond := range conds {
		v := fieldValue(cond.Field, c, ev)
		if !slices.ContainsFunc(cond.Values, func(want string) bool { return strings.EqualFold(want, v) }) {
			return false
		}
	}
	return true
}

// fieldValue reads an `enroll.if` field from the contact or the event.
func fieldValue(field string, c Contact, ev Event) string {
	if name, ok := strings.CutPrefix(field, "contact.custom."); ok {
		return c.Custom[name]
	}
	switch field {
	case "contact.status":
		return c.Status
	case "contact.industry":
		return c.Industry
	case "contact.lead_source":
		return c.LeadSource
	case "contact.campaign":
		return c.Campaign
	case "contact.owner":
		return c.Owner
	case "contact.city":
		return c.City
	case "contact.region":
		return c.Region
	case "contact.country":
		return c.Country
	case "contact.title":
		return c.Title
	case "contact.company":
		return c.Company
	case "contact.time_zone":
		return c.TimeZone
	case "contact.postal_code":
		return c.PostalCode
	case "event.item":
		return ev.Item
	}
	return ""
}

// isNotFound reports whether err means a missing row.
func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
