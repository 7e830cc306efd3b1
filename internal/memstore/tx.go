package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
)

// tx is the engine.Tx of a Store; the store's lock is held while it is used.
type tx struct{ s *Store }

var _ engine.Tx = tx{}

func notFound(what string, id any) error {
	return fmt.Errorf("%s %v: %w", what, id, engine.ErrNotFound)
}

func (t tx) Contact(_ context.Context, id int64) (engine.Contact, error) {
	c, ok := lookup(t.s.contacts, id)
	if !ok {
		return engine.Contact{}, notFound("contact", id)
	}
	return *c, nil
}

func (t tx) TimeZones(_ context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for _, id := range ids {
		if c, ok := lookup(t.s.contacts, id); ok {
			out[id] = c.TimeZone
		}
	}
	return out, nil
}

func (t tx) Rep(_ context.Context, id int64) (engine.Rep, error) {
	r, ok := t.s.reps[id]
	if !ok {
		return engine.Rep{}, notFound("rep", id)
	}
	return r, nil
}

func (t tx) RepByUsername(_ context.Context, username string) (engine.Rep, error) {
	for _, r := range t.s.reps {
		if r.Username == username {
			return r, nil
		}
	}
	return engine.Rep{}, notFound("rep", username)
}

func (t tx) Enrollments(_ context.Context, contactID int64, trackID string) ([]engine.Enrollment, error) {
	ids := t.s.byContact.at(contactID)
	var out []engine.Enrollment
	for i := len(ids) - 1; i >= 0; i-- {
		if en := t.s.enrollments.at(ids[i]); trackID == "" || en.TrackID == trackID {
			out = append(out, *en)
		}
	}
	return out, nil
}

func (t tx) Enrollment(_ context.Context, id int64) (engine.Enrollment, error) {
	en, ok := lookup(t.s.enrollments, id)
	if !ok {
		return engine.Enrollment{}, notFound("enrollment", id)
	}
	return *en, nil
}

func (t tx) CreateEnrollment(_ context.Context, e *engine.Enrollment, first *engine.Touch) error {
	for _, id := range t.s.byContact.at(e.ContactID) {
		if en := t.s.enrollments.at(id); en.TrackID == e.TrackID && en.State.Open() {
			return fmt.Errorf("contact %d already on track %s: %w", e.ContactID, e.TrackID, engine.ErrConflict)
		}
	}
	t.s.createEnrollment(e, first)
	return nil
}

// createEnrollment inserts an enrollment and its first touch.
func (s *Store) createEnrollment(e *engine.Enrollment, first *engine.Touch) {
	e.ID = s.id()
	cp := *e
	s.enrollments.set(e.ID, &cp)
	s.byContact.set(e.ContactID, append(s.byContact.at(e.ContactID), e.ID))
	s.remember(func() {
		s.enrollments.set(e.ID, nil)
		ids := s.byContact.at(e.ContactID)
		s.byContact.set(e.ContactID, ids[:len(ids)-1])
	})
	first.EnrollmentID = e.ID
	s.createTouch(first)
}

func (t tx) SetEnrollmentState(_ context.Context, id int64, state engine.EnrollmentState, reason string, at time.Time) error {
	en, ok := lookup(t.s.enrollments, id)
	if !ok {
		return notFound("enrollment", id)
	}
	if !en.State.Open() {
		return fmt.Errorf("enrollment %d is %s, not open: %w", id, en.State, engine.ErrConflict)
	}
	old := *en
	t.s.remember(func() { *en = old })
	en.State = state
	if !state.Open() {
		en.EndedAt, en.Reason = at, reason
	}
	if state == engine.EnrollmentActive {
		for _, tid := range t.s.byEnroll.at(id) {
			if tc := t.s.touches.at(tid); tc.State == engine.TouchScheduled {
				t.s.due.push(dueEntry{tc.Due, tc.ID})
			}
		}
	}
	return nil
}

func (t tx) Touch(_ context.Context, id int64) (engine.Touch, error) {
	tc, ok := lookup(t.s.touches, id)
	if !ok {
		return engine.Touch{}, notFound("touch", id)
	}
	return tc.Touch, nil
}

// CreateTouch stores tc, setting its ID; an empty state means scheduled.
func (t tx) CreateTouch(_ context.Context, tc *engine.Touch) error {
	if tc.State == "" {
		tc.State = engine.TouchScheduled
	}
	t.s.createTouch(tc)
	return nil
}

func (s *Store) createTouch(tc *engine.Touch) {
	tc.ID = s.id()
	cp := &touch{Touch: *tc}
	s.touches.set(tc.ID, cp)
	s.created = append(s.created, cp)
	s.byEnroll.set(tc.EnrollmentID, append(s.byEnroll.at(tc.EnrollmentID), tc.ID))
	s.remember(func() {
		s.touches.set(tc.ID, nil)
		s.created = s.created[:len(s.created)-1]
		ids := s.byEnroll.at(tc.EnrollmentID)
		s.byEnroll.set(tc.EnrollmentID, ids[:len(ids)-1])
	})
	if tc.State == engine.TouchScheduled {
		s.due.push(dueEntry{tc.Due, tc.ID})
	}
}

func (t tx) PendingTouches(_ context.Context, enrollmentID int64) ([]engine.Touch, error) {
	var out []engine.Touch
	for _, id := range t.s.byEnroll.at(enrollmentID) {
		if tc := t.s.touches.at(id); !tc.State.Final() {
			out = append(out, tc.Touch)
		}
	}
	return out, nil
}

func (t tx) FinishTouch(_ context.Context, id int64, state engine.TouchState, reason string, at time.Time) error {
	if !state.Final() {
		return fmt.Errorf("finish touch %d: %q is not a final state", id, state)
	}
	return t.update(id, func(tc *engine.Touch) {
		tc.State, tc.Reason, tc.FinishedAt, tc.LeaseUntil = state, reason, at, time.Time{}
	})
}

// setMessageID records the Message-ID a touch's email went out with.
func (t tx) setMessageID(id int64, messageID string) error {
	tc, ok := lookup(t.s.touches, id)
	if !ok {
		return notFound("touch", id)
	}
	old := tc.MessageID
	t.s.remember(func() { tc.MessageID = old })
	tc.MessageID = messageID
	return nil
}

func (t tx) RescheduleTouch(_ context.Context, id int64, due time.Time) error {
	err := t.update(id, func(tc *engine.Touch) { tc.State, tc.Due, tc.LeaseUntil = engine.TouchScheduled, due, time.Time{} })
	if err == nil {
		t.s.due.push(dueEntry{due, id})
	}
	return err
}

// update changes a pending touch; a final one is a conflict.
func (t tx) update(id int64, change func(*engine.Touch)) error {
	tc, ok := lookup(t.s.touches, id)
	if !ok {
		return notFound("touch", id)
	}
	if tc.State.Final() {
		return fmt.Errorf("touch %d is %s, not pending: %w", id, tc.State, engine.ErrConflict)
	}
	old := *tc
	t.s.remember(func() { *tc = old })
	change(&tc.Touch)
	return nil
}

// CreateActivity gives the activity an id; an empty status means open.
// Memory keeps no activities: nothing reads them back (a simulation reports
// touches).
func (t tx) CreateActivity(_ context.Context, a *engine.Activity) error {
	if a.Status == "" {
		a.Status = engine.ActivityOpen
	}
	a.ID = t.s.id()
	return nil
}

// CreateLetter gives the letter an id. Memory keeps no letters: nothing
// prints them.
func (t tx) CreateLetter(_ context.Context, l *engine.Letter) error {
	l.ID = t.s.id()
	return nil
}

func (t tx) Suppressed(_ context.Context, email string) (string, error) {
	return t.s.suppressed[EmailKey(email)], nil
}

func (t tx) Suppress(_ context.Context, email, reason, _ string, _ time.Time) error {
	email = EmailKey(email)
	if _, ok := t.s.suppressed[email]; ok {
		return nil
	}
	t.s.suppressed[email] = reason
	t.s.remember(func() { delete(t.s.suppressed, email) })
	return nil
}

func (t tx) ContactsByEmail(_ context.Context, email string) ([]int64, error) {
	var ids []int64
	for _, c := range t.s.contacts {
		if c != nil && EmailKey(c.Email) == EmailKey(email) {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

func (t tx) AfterCommit(fn func()) { t.s.after = append(t.s.after, fn) }

func (t tx) RecordEvent(_ context.Context, e engine.Event) (bool, error) {
	e.At = e.At.UTC()
	if t.s.events[e] {
		return false, nil
	}
	t.s.events[e] = true
	t.s.remember(func() { delete(t.s.events, e) })
	return true, nil
}

func (t tx) ContactsByID(_ context.Context, ids []int64) (map[int64]engine.Contact, error) {
	return copiesOf(t.s.contacts, ids), nil
}

// copiesOf copies the listed rows of b that exist, by id.
func copiesOf[T any](b byID[*T], ids []int64) map[int64]T {
	out := make(map[int64]T, len(ids))
	for _, id := range ids {
		if r, ok := lookup(b, id); ok {
			out[id] = *r
		}
	}
	return out
}

func (t tx) OpenEnrollments(_ context.Context, contactIDs []int64) ([]engine.Enrollment, error) {
	var out []engine.Enrollment
	for _, id := range contactIDs {
		for _, eid := range t.s.byContact.at(id) {
			if en := t.s.enrollments.at(eid); en.State.Open() {
				out = append(out, *en)
			}
		}
	}
	return out, nil
}

func (t tx) RecordEvents(ctx context.Context, es []engine.Event) ([]bool, error) {
	fresh := make([]bool, len(es))
	for i, e := range es {
		ok, err := t.RecordEvent(ctx, e)
		if err != nil {
			return nil, err
		}
		fresh[i] = ok
	}
	return fresh, nil
}

func (t tx) EnrollAll(_ context.Context, es []engine.NewEnrollment) ([]bool, error) {
	created := make([]bool, len(es))
	for i, ne := range es {
		if !t.s.mayEnroll(ne.Enrollment.ContactID, ne.Enrollment.TrackID, ne.Reenroll) {
			continue
		}
		en, first := ne.Enrollment, ne.First
		t.s.createEnrollment(&en, &first)
		created[i] = true
	}
	return created, nil
}
