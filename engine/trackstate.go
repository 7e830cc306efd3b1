package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// TrackState is what a manager made of a whole track: active, paused (no
// touch of it goes out; enrollments still start and wait with the rest) or
// retired (nobody new is enrolled; running enrollments finish their steps).
type TrackState string

// The states of a track. A track never set is active.
const (
	TrackActive  TrackState = "active"
	TrackPaused  TrackState = "paused"
	TrackRetired TrackState = "retired"
)

// Valid reports whether s is one of the states.
func (s TrackState) Valid() bool {
	return s == TrackActive || s == TrackPaused || s == TrackRetired
}

// TrackVersion is one stored version of a track.
type TrackVersion struct {
	Version int
	File    string
	SavedAt time.Time
	Open    int // open (active or paused) enrollments on it
}

// TrackStatus is one track as the store knows it: its state, its stored
// versions, and where its open enrollments are.
type TrackStatus struct {
	Track    string
	State    TrackState
	Versions []TrackVersion // oldest first
	// OnStep counts open enrollments by the step id of their pending touch.
	OnStep map[string]int
	// Loaded is true when the engine's library has the track; a stored
	// track with open enrollments but no loaded file is missing.
	Loaded bool
}

// Open counts the track's open enrollments on every version.
func (s TrackStatus) Open() int {
	n := 0
	for _, v := range s.Versions {
		n += v.Open
	}
	return n
}

// Missing reports whether the track has open enrollments but is not in the
// loaded library: they cannot go on until its file is back.
func (s TrackStatus) Missing() bool { return !s.Loaded && s.Open() > 0 }

// SetTrackState pauses, resumes or retires a whole track. Pausing holds
// every touch of the track (queued ones go back to waiting); resuming moves
// those that fell due meanwhile to the first instant inside their window
// from now; retiring stops new enrollments while running ones finish. A track neither loaded nor stored wraps ErrNotFound.
func (e *Engine) SetTrackState(ctx context.Context, trackID string, state TrackState) error {
	if !state.Valid() {
		return fmt.Errorf("set track %s to %q: want active, paused or retired: %w", trackID, state, ErrConflict)
	}
	if _, ok := e.cfg.Library.Track(trackID); !ok {
		if _, _, err := e.cfg.Store.TrackSource(ctx, trackID, 1); err != nil {
			return fmt.Errorf("set track %s to %s: %w", trackID, state, err)
		}
	}
	if err := e.cfg.Store.SetTrackState(ctx, trackID, state, e.now()); err != nil {
		return fmt.Errorf("set track %s to %s: %w", trackID, state, err)
	}
	if state == TrackActive {
		if err := e.rescheduleTrack(ctx, trackID); err != nil {
			return fmt.Errorf("resume track %s: %w", trackID, err)
		}
	}
	e.cfg.Logger.Info("track state changed", "track", trackID, "state", state)
	return nil
}

// rescheduleTrack moves the touches of a resumed track that fell due while
// it was paused to the first instant inside their window from now, as
// resuming one enrollment does.
func (e *Engine) rescheduleTrack(ctx context.Context, trackID string) error {
	return e.cfg.Store.Tx(ctx, func(tx Tx) error {
		ens, err := tx.OverdueEnrollments(ctx, trackID, e.now())
		if err != nil {
			return err
		}
		for _, en := range ens {
			if err := e.rescheduleOverdue(ctx, tx, en); err != nil {
				return err
			}
		}
		return nil
	})
}

// TrackOverview lists every track, loaded or stored, by id: its state,
// versions and open enrollments by step, and whether the loaded library
// has it.
func (e *Engine) TrackOverview(ctx context.Context) ([]TrackStatus, error) {
	stored, err := e.cfg.Store.TrackStatuses(ctx)
	if err != nil {
		return nil, fmt.Errorf("track overview: %w", err)
	}
	byID := map[string]int{}
	for i := range stored {
		byID[stored[i].Track] = i
	}
	for _, t := range e.cfg.Library.Tracks() {
		i, ok := byID[t.ID]
		if !ok {
			stored = append(stored, TrackStatus{Track: t.ID, State: TrackActive, OnStep: map[string]int{}})
			i = len(stored) - 1
		}
		stored[i].Loaded = true
	}
	slices.SortFunc(stored, func(a, b TrackStatus) int { return cmp.Compare(a.Track, b.Track) })
	return stored, nil
}

// TakesEnrollments reports whether the track enrolls anyone new: a track a
// manager retired does not, so nothing chains into it either.
func (e *Engine) TakesEnrollments(ctx context.Context, trackID string) (bool, error) {
	var open bool
	err := e.cfg.Store.Tx(ctx, func(tx Tx) error {
		var err error
		open, err = mayEnrollOn(ctx, tx, trackID)
		return err
	})
	return open, err
}

// mayEnrollOn refuses enrollments on a retired track.
func mayEnrollOn(ctx context.Context, tx Tx, trackID string) (bool, error) {
	s, err := tx.TrackState(ctx, trackID)
	if err != nil {
		return false, fmt.Errorf("state of track %s: %w", trackID, err)
	}
	return s != TrackRetired, nil
}
