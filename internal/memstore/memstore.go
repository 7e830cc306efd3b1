// Package memstore keeps the engine's state in memory. `dripline simulate`
// uses it to run the real engine over a year of virtual time in seconds, with
// nothing written anywhere. It is safe for concurrent use; transactions are
// serialized and roll back through an undo log.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// Store is an in-memory engine.Store.
type Store struct {
	mu sync.Mutex

	contacts    byID[*engine.Contact]
	born        map[monthDay][]int64 // contact ids by birthday, in id order
	reps        map[int64]engine.Rep
	enrollments byID[*engine.Enrollment]
	byContact   byID[[]int64] // contact → enrollment ids, oldest first
	touches     byID[*touch]
	created     []*touch      // every touch, in creation (id) order
	byEnroll    byID[[]int64] // enrollment → touch ids
	due         dueHeap       // scheduled touches by due time; stale entries are skipped
	suppressed  map[string]string
	events      map[engine.Event]bool // recorded events, to handle each once
	nextID      int64
	undo        []func() // set while a transaction runs
	after       []func() // what runs once the running transaction commits

	// Track versions have their own lock: the engine reads them inside transactions.
	tracksMu    sync.Mutex
	trackVers   map[string][]trackVersion
	trackStates map[string]engine.TrackState // tracks paused or retired; under mu
}

// touch is a stored touch and when it was last handed to the queue.
type touch struct {
	engine.Touch
	queuedAt time.Time
}

type trackVersion struct {
	hash, file string
	source     []byte
	saved      time.Time
}

var _ engine.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		born:        map[monthDay][]int64{},
		reps:        map[int64]engine.Rep{},
		suppressed:  map[string]string{},
		events:      map[engine.Event]bool{},
		trackVers:   map[string][]trackVersion{},
		trackStates: map[string]engine.TrackState{},
	}
}

func (s *Store) id() int64 {
	s.nextID++
	return s.nextID
}

// AddRep stores a rep and returns its id.
func (s *Store) AddRep(r engine.Rep) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ID = s.id()
	s.reps[r.ID] = r
	return r.ID
}

// AddContact stores a contact and returns its id.
func (s *Store) AddContact(c engine.Contact) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.ID = s.id()
	s.contacts.set(c.ID, &c)
	if c.Birthday != nil {
		md := monthDay{c.Birthday.Month(), c.Birthday.Day()}
		s.born[md] = append(s.born[md], c.ID)
	}
	return c.ID
}

// Tx runs fn with the store locked; an error undoes fn's changes. What fn
// registers with AfterCommit runs after the lock is released.
func (s *Store) Tx(ctx context.Context, fn func(tx engine.Tx) error) error {
	after, err := s.run(fn)
	if err == nil {
		for _, f := range after {
			f()
		}
	}
	return err
}

// run runs fn locked and returns what is to run after it commits.
func (s *Store) run(fn func(tx engine.Tx) error) ([]func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.undo, s.after = []func(){}, nil // not nil: remember records while this runs
	err := fn(tx{s})
	if err != nil {
		for i := len(s.undo) - 1; i >= 0; i-- {
			s.undo[i]()
		}
	}
	after := s.after
	s.undo, s.after = nil, nil
	return after, err
}

// remember registers how to undo a change made inside a transaction.
func (s *Store) remember(f func()) {
	if s.undo != nil {
		s.undo = append(s.undo, f)
	}
}

// NextDue returns the earliest due time of a scheduled touch of an active
// enrollment; ok is false when there is none.
func (s *Store) NextDue() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.due) > 0 {
		top := s.due[0]
		if t := s.touches.at(top.id); t != nil && t.State == engine.TouchScheduled && t.Due.Equal(top.due) &&
			s.enrollments.at(t.EnrollmentID).State == engine.EnrollmentActive {
			return top.due, true
		}
		s.due.pop()
	}
	return time.Time{}, false
}

// QueueDue implements engine.Store.
func (s *Store) QueueDue(_ context.Context, now, until time.Time, limit int) ([]engine.Touch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []engine.Touch
	var held []dueEntry // scheduled but their enrollment or track is paused
	for len(s.due) > 0 && len(out) < limit && s.due[0].due.Before(until) {
		top := s.due.pop()
		t := s.touches.at(top.id)
		if t == nil || t.State != engine.TouchScheduled || !t.Due.Equal(top.due) {
			continue
		}
		if en := s.enrollments.at(t.EnrollmentID); en.State != engine.EnrollmentActive || s.trackState(en.TrackID) == engine.TrackPaused {
			held = append(held, top)
			continue
		}
		t.State = engine.TouchQueued
		t.queuedAt = now
		out = append(out, t.Touch)
	}
	for _, h := range held {
		s.due.push(h)
	}
	return out, nil
}

// Requeue implements engine.Store: queued touches whose due and queued times
// are both before staleBefore, and running ones whose lease ended before now,
// earliest first.
func (s *Store) Requeue(_ context.Context, staleBefore, now time.Time, limit int) ([]engine.Touch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lost []*touch
	for _, t := range s.created {
		stale := t.State == engine.TouchQueued && t.Due.Before(staleBefore) && t.queuedAt.Before(staleBefore)
		if stale || t.State == engine.TouchRunning && t.LeaseUntil.Before(now) {
			lost = append(lost, t)
		}
	}
	slices.SortFunc(lost, func(a, b *touch) int { return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID)) })
	out := []engine.Touch{}
	for _, t := range lost[:min(limit, len(lost))] {
		t.State, t.LeaseUntil = engine.TouchQueued, time.Time{}
		t.queuedAt = now
		out = append(out, t.Touch)
	}
	return out, nil
}

// Claim implements engine.Store.
func (s *Store) Claim(_ context.Context, id int64, now, leaseUntil time.Time) (engine.Touch, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.touches.at(id)
	if t == nil || !(t.State == engine.TouchQueued || t.State == engine.TouchRunning && t.LeaseUntil.Before(now)) {
		return engine.Touch{}, false, nil
	}
	t.State, t.LeaseUntil = engine.TouchRunning, leaseUntil
	t.Attempts++
	return t.Touch, true, nil
}

// RenewLease implements engine.Store.
func (s *Store) RenewLease(_ context.Context, id int64, attempt int, leaseUntil time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.touches.at(id)
	if t == nil || t.State != engine.TouchRunning || t.Attempts != attempt {
		return false, nil
	}
	t.LeaseUntil = leaseUntil
	return true, nil
}

// Release implements engine.Store.
func (s *Store) Release(_ context.Context, id int64, attempt int, state engine.TouchState, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.release(id, attempt, state, reason)
	return err
}

// ReleaseUncharged implements engine.Store.
func (s *Store) ReleaseUncharged(_ context.Context, id int64, attempt int, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.release(id, attempt, engine.TouchQueued, reason)
	if err == nil {
		t.Outages++
	}
	return err
}

// release hands touch id back to state; called with mu held.
func (s *Store) release(id int64, attempt int, state engine.TouchState, reason string) (*touch, error) {
	t := s.touches.at(id)
	if t == nil {
		return nil, fmt.Errorf("release touch %d: %w", id, engine.ErrNotFound)
	}
	if t.State != engine.TouchRunning || t.Attempts != attempt {
		return nil, fmt.Errorf("release touch %d: not running attempt %d: %w", id, attempt, engine.ErrConflict)
	}
	if state != engine.TouchQueued && state != engine.TouchScheduled {
		return nil, fmt.Errorf("release touch %d: state must be queued or scheduled, not %q", id, state)
	}
	t.State, t.Reason, t.LeaseUntil = state, reason, time.Time{}
	if state == engine.TouchScheduled {
		s.due.push(dueEntry{t.Due, t.ID})
	}
	return t, nil
}

// BulkEnroll implements engine.Store.
func (s *Store) BulkEnroll(ctx context.Context, es []engine.NewEnrollment) (int, error) {
	n := 0
	err := s.Tx(ctx, func(x engine.Tx) error {
		created, err := x.EnrollAll(ctx, es)
		for _, ok := range created {
			if ok {
				n++
			}
		}
		return err
	})
	return n, err
}

// mayEnroll applies engine.MayEnroll to the contact's enrollments on a track.
func (s *Store) mayEnroll(contactID int64, trackID, policy string) bool {
	var past []engine.Enrollment
	ids := s.byContact.at(contactID)
	for i := len(ids) - 1; i >= 0; i-- {
		if en := s.enrollments.at(ids[i]); en.TrackID == trackID {
			past = append(past, *en)
		}
	}
	return engine.MayEnroll(past, tracks.Reenroll(policy))
}

// SaveTrack implements engine.Store.
func (s *Store) SaveTrack(_ context.Context, id, hash string, source []byte, file string) (int, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tracksMu.Lock()
	defer s.tracksMu.Unlock()
	vs := s.trackVers[id]
	for i, v := range vs {
		if v.hash == hash {
			return i + 1, s.openOnOther(id, i+1), nil
		}
	}
	s.trackVers[id] = append(vs, trackVersion{hash: hash, file: file, source: slices.Clone(source), saved: time.Now().UTC()})
	return len(vs) + 1, s.openOnOther(id, len(vs)+1), nil
}

// openOnOther counts the track's open enrollments on versions other than version.
func (s *Store) openOnOther(trackID string, version int) int {
	n := 0
	for _, en := range s.enrollments {
		if en == nil {
			continue
		}
		if en.TrackID == trackID && en.TrackVersion != version && en.State.Open() {
			n++
		}
	}
	return n
}

// TrackSource implements engine.Tx: the versions are kept apart from what
// transactions lock.
func (t tx) TrackSource(ctx context.Context, id string, version int) ([]byte, string, error) {
	return t.s.TrackSource(ctx, id, version)
}

// TrackSource implements engine.Store.
func (s *Store) TrackSource(_ context.Context, id string, version int) ([]byte, string, error) {
	s.tracksMu.Lock()
	defer s.tracksMu.Unlock()
	vs := s.trackVers[id]
	if version < 1 || version > len(vs) {
		return nil, "", fmt.Errorf("track %s v%d: %w", id, version, engine.ErrNotFound)
	}
	return vs[version-1].source, vs[version-1].file, nil
}

// Touches returns every touch, in creation order.
func (s *Store) Touches() []engine.Touch {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]engine.Touch, len(s.created))
	for i, t := range s.created {
		out[i] = t.Touch
	}
	return out
}

// EmailKey is how the store compares addresses: lower case, without
// surrounding space. Contacts with one key share a suppression.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ActivityTypes implements engine.Store: memory keeps no points table.
func (s *Store) ActivityTypes(context.Context) ([]engine.ActivityType, error) { return nil, nil }

// BirthdaysOn implements engine.Store.
func (s *Store) BirthdaysOn(_ context.Context, day time.Time) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Clone(s.born[monthDay{day.Month(), day.Day()}])
	if day.Month() == time.February && day.Day() == 28 && !isLeap(day.Year()) {
		// Feb 29 birthdays fall on Feb 28 in years without one.
		ids = append(ids, s.born[monthDay{time.February, 29}]...)
		slices.Sort(ids)
	}
	return ids, nil
}

// monthDay is a birthday's date in any year.
type monthDay struct {
	month time.Month
	day   int
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// MoveEnrollments implements engine.Store.
func (s *Store) MoveEnrollments(_ context.Context, trackID string, version int, stepIndex map[string]int) (int, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	moved, stayed := 0, 0
	for _, en := range s.enrollments {
		if en == nil {
			continue
		}
		if en.TrackID != trackID || en.TrackVersion == version || !en.State.Open() {
			continue
		}
		var pending *touch
		running := false
		for _, id := range s.byEnroll.at(en.ID) {
			switch t := s.touches.at(id); t.State {
			case engine.TouchScheduled, engine.TouchQueued:
				pending = t
			case engine.TouchRunning:
				running = true
			}
		}
		i, ok := 0, false
		if pending != nil {
			i, ok = stepIndex[pending.StepID]
		}
		if running || !ok {
			stayed++
			continue
		}
		en.TrackVersion, pending.TrackVersion, pending.StepIndex = version, version, i
		moved++
	}
	return moved, stayed, nil
}

// Work implements engine.Store.
func (s *Store) Work(_ context.Context, t engine.Touch) (engine.Work, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	en, ok := lookup(s.enrollments, t.EnrollmentID)
	c, ok2 := lookup(s.contacts, t.ContactID)
	if !ok || !ok2 {
		return engine.Work{}, fmt.Errorf("work for touch %d: %w", t.ID, engine.ErrNotFound)
	}
	w := engine.Work{Enrollment: *en, Contact: *c, Owner: s.reps[c.OwnerID]}
	if c.Email != "" {
		w.Suppressed = s.suppressed[EmailKey(c.Email)]
	}
	return w, nil
}
