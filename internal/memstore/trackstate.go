package memstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
)

// SetTrackState implements engine.Store.
func (s *Store) SetTrackState(_ context.Context, trackID string, state engine.TrackState, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trackStates[trackID] = state
	if state != engine.TrackPaused {
		return nil
	}
	for _, t := range s.created {
		if t.State == engine.TouchQueued && s.enrollments.at(t.EnrollmentID).TrackID == trackID {
			t.State = engine.TouchScheduled
			t.queuedAt = time.Time{}
			s.due.push(dueEntry{t.Due, t.ID})
		}
	}
	return nil
}

// trackState is a track's state; one never set is active.
func (s *Store) trackState(trackID string) engine.TrackState {
	return cmp.Or(s.trackStates[trackID], engine.TrackActive)
}

// TrackState implements engine.Tx.
func (t tx) TrackState(_ context.Context, trackID string) (engine.TrackState, error) {
	return t.s.trackState(trackID), nil
}

// OverdueEnrollments implements engine.Tx.
func (t tx) OverdueEnrollments(_ context.Context, trackID string, before time.Time) ([]engine.Enrollment, error) {
	var out []engine.Enrollment
	for _, en := range t.s.enrollments {
		if en == nil {
			continue
		}
		if en.TrackID == trackID && en.State == engine.EnrollmentActive && t.s.hasOverdue(en.ID, before) {
			out = append(out, *en)
		}
	}
	slices.SortFunc(out, func(a, b engine.Enrollment) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// hasOverdue reports whether an enrollment has a scheduled or queued touch
// due before the instant.
func (s *Store) hasOverdue(enrollment int64, before time.Time) bool {
	return slices.ContainsFunc(s.byEnroll.at(enrollment), func(id int64) bool {
		t := s.touches.at(id)
		return (t.State == engine.TouchScheduled || t.State == engine.TouchQueued) && t.Due.Before(before)
	})
}

// TrackStatuses implements engine.Store.
func (s *Store) TrackStatuses(_ context.Context) ([]engine.TrackStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tracksMu.Lock()
	defer s.tracksMu.Unlock()
	out := make([]engine.TrackStatus, 0, len(s.trackVers))
	for id, vs := range s.trackVers {
		st := engine.TrackStatus{Track: id, State: s.trackState(id), OnStep: map[string]int{}}
		for i, v := range vs {
			st.Versions = append(st.Versions, engine.TrackVersion{Version: i + 1, File: v.file, SavedAt: v.saved})
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b engine.TrackStatus) int { return cmp.Compare(a.Track, b.Track) })
	for _, en := range s.enrollments {
		if en == nil {
			continue
		}
		i, ok := slices.BinarySearchFunc(out, en.TrackID, func(st engine.TrackStatus, id string) int { return cmp.Compare(st.Track, id) })
		if !ok || !en.State.Open() || en.TrackVersion > len(out[i].Versions) {
			continue
		}
		out[i].Versions[en.TrackVersion-1].Open++
		for _, tid := range s.byEnroll.at(en.ID) {
			if t := s.touches.at(tid); !t.State.Final() {
				out[i].OnStep[t.StepID]++
				break
			}
		}
	}
	return out, nil
}
