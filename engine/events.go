package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/tracks"
)

// EventOutcome is what one event of HandleEventsIn did. Refused, when set,
// says why the engine turned that event alone down (its contact is gone, a
// manual event names an unknown track); it wraps ErrNotFound, and the event
// changed nothing.
type EventOutcome struct {
	EventResult
	Refused error
}

// HandleEventsIn applies many events inside the caller's transaction with
// the outcome HandleEventIn gives each in turn, in a few round trips: the
// events are recorded together, their contacts read together, and the
// enrollments they cause created together (Tx.EnrollAll). Events that end
// enrollments or suppress an address, and enrollments whose first touch is
// already late, take the one-at-a-time path in their place, so the order of
// the events still decides. Events without a time are dated now, in evs. An
// event refused alone is reported in its outcome; any other failure is
// returned and the caller rolls back.
func (e *Engine) HandleEventsIn(ctx context.Context, tx Tx, evs []Event) ([]EventOutcome, error) {
	out := make([]EventOutcome, len(evs))
	ids := make([]int64, 0, len(evs))
	for i := range evs {
		if !slices.Contains(tracks.Events, evs[i].Name) {
			return nil, fmt.Errorf("event %d: unknown event %q", i, evs[i].Name)
		}
		if evs[i].At.IsZero() {
			evs[i].At = e.now()
		}
		ids = append(ids, evs[i].ContactID)
	}
	contacts, err := tx.ContactsByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("handle %d events: %w", len(evs), err)
	}
	exits, err := e.exitsOf(ctx, tx, ids)
	if err != nil {
		return nil, fmt.Errorf("handle %d events: %w", len(evs), err)
	}
	b := batch{e: e, tx: tx, contacts: contacts, exits: exits, out: out, open: map[string]bool{}}
	for i, ev := range evs {
		if err := b.add(ctx, i, ev); err != nil {
			return nil, err
		}
	}
	if err := b.flush(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// batch gathers a run of events that can be handled together.
type batch struct {
	e        *Engine
	tx       Tx
	contacts map[int64]Contact
	exits    exitSet
	out      []EventOutcome
	open     map[string]bool // whether a track takes enrollments (not retired), as read
	at       []int           // the events of the run, by index
	evs      []Event         // and the events themselves
}

// add takes event i into the run, or, when it cannot be handled with the
// others, handles the run so far and then it alone.
func (b *batch) add(ctx context.Context, i int, ev Event) error {
	c, ok := b.contacts[ev.ContactID]
	if !ok {
		b.out[i].Refused = fmt.Errorf("event %s for contact %d: contact: %w", ev.Name, ev.ContactID, ErrNotFound)
		return nil
	}
	met, err := b.e.tracksMet(ev, c)
	if err != nil {
		b.out[i].Refused = fmt.Errorf("event %s for contact %d: %w", ev.Name, ev.ContactID, err)
		return nil
	}
	if b.exits.has(ev) || b.e.lateStart(ev, c, met) {
		if err := b.flush(ctx); err != nil {
			return err
		}
		b.out[i].EventResult, err = b.e.HandleEventIn(ctx, b.tx, ev)
		return err
	}
	b.at, b.evs = append(b.at, i), append(b.evs, ev)
	return nil
}

// exitSet holds the events that may end an enrollment: those any current
// track exits on (an enrollment this call makes is on one), and, per
// contact, those the versions of its open enrollments exit on. The events
// that suppress an address are in it too: all of those take the
// one-at-a-time path.
type exitSet struct {
	any       map[string]bool
	byContact map[int64]map[string]bool
}

// has reports whether ev may end an enrollment or suppress an address.
func (s exitSet) has(ev Event) bool {
	return s.any[ev.Name] || s.byContact[ev.ContactID][ev.Name]
}

// exitsOf builds the exitSet of the contacts.
func (e *Engine) exitsOf(ctx context.Context, tx Tx, ids []int64) (exitSet, error) {
	s := exitSet{any: map[string]bool{}, byContact: map[int64]map[string]bool{}}
	for name := range suppressedBy {
		s.any[name] = true
	}
	for _, t := range e.cfg.Library.Tracks() {
		for _, name := range t.Exit {
			s.any[name] = true
		}
	}
	open, err := tx.OpenEnrollments(ctx, ids)
	if err != nil {
		return s, err
	}
	for _, en := range open {
		t, err := e.trackVersion(ctx, tx, en.TrackID, en.TrackVersion)
		if err != nil {
			return s, err
		}
		for _, name := range t.Exit {
			if s.byContact[en.ContactID] == nil {
				s.byContact[en.ContactID] = map[string]bool{}
			}
			s.byContact[en.ContactID][name] = true
		}
	}
	return s, nil
}

// lateStart reports whether an enrollment ev causes on one of the tracks
// met would start with a touch already late (which HandleEventIn skips and
// moves past, one at a time).
func (e *Engine) lateStart(ev Event, c Contact, met []*tracks.Track) bool {
	now := e.now()
	for _, t := range met {
		if now.Sub(e.firstTouch(t, c, e.anchor(t, ev)).Due) > e.cfg.LateAfter {
			return true
		}
	}
	return false
}

// anchor is the instant a track's `at:` counts from for an enrollment by ev.
func (e *Engine) anchor(t *tracks.Track, ev Event) time.Time {
	if t.Anchor == tracks.AnchorEvent {
		return ev.At
	}
	return e.now()
}

// flush handles the run: records its events, then enrolls their contacts
// on the tracks whose rules they meet, all at once.
func (b *batch) flush(ctx context.Context) error {
	if len(b.evs) == 0 {
		return nil
	}
	defer func() { b.at, b.evs = b.at[:0], b.evs[:0] }()
	fresh, err := b.tx.RecordEvents(ctx, b.evs)
	if err != nil {
		return fmt.Errorf("handle %d events: %w", len(b.evs), err)
	}
	var (
		es    []NewEnrollment
		owner []int // the index of the event each enrollment is for
	)
	for k, ev := range b.evs {
		if !fresh[k] {
			b.out[b.at[k]].Duplicate = true
			continue
		}
		nes, err := b.e.enrollmentsFor(ev, b.contacts[ev.ContactID])
		if err != nil {
			return fmt.Errorf("event %s for contact %d: %w", ev.Name, ev.ContactID, err)
		}
		for _, ne := range nes {
			if ok, err := b.mayEnrollOn(ctx, ne.Enrollment.TrackID); !ok || err != nil {
				if err != nil {
					return fmt.Errorf("event %s for contact %d: %w", ev.Name, ev.ContactID, err)
				}
				continue
			}
			es, owner = append(es, ne), append(owner, b.at[k])
		}
	}
	created, err := b.tx.EnrollAll(ctx, es)
	if err != nil {
		return fmt.Errorf("handle %d events: %w", len(b.evs), err)
	}
	for j, ok := range created {
		if ok {
			r := &b.out[owner[j]]
			r.Enrolled = append(r.Enrolled, es[j].Enrollment.TrackID)
		}
	}
	return nil
}

// mayEnrollOn is the engine's mayEnrollOn, read once per track for the
// whole call: a retired track enrolls nobody on this path either.
func (b *batch) mayEnrollOn(ctx context.Context, trackID string) (bool, error) {
	if ok, read := b.open[trackID]; read {
		return ok, nil
	}
	ok, err := mayEnrollOn(ctx, b.tx, trackID)
	if err == nil {
		b.open[trackID] = ok
	}
	return ok, err
}

// enrollmentsFor lists the enrollments an event asks for, on the current
// version of each track whose rules the contact meets; whether each may be
// made (an open one, the re-enrollment policy) the store decides.
func (e *Engine) enrollmentsFor(ev Event, c Contact) ([]NewEnrollment, error) {
	met, err := e.tracksMet(ev, c)
	if err != nil {
		return nil, err
	}
	var out []NewEnrollment
	for _, t := range met {
		t, version, err := e.currentTrack(t.ID)
		if err != nil {
			return nil, err
		}
		en, first := e.newEnrollment(t, version, c, e.anchor(t, ev), ev)
		out = append(out, NewEnrollment{Enrollment: en, First: first, Reenroll: string(t.Enroll.Reenroll)})
	}
	return out, nil
}
