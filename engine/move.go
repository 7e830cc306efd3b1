package engine

import (
	"context"
	"fmt"
)

// MoveResult says what MoveToCurrent did.
type MoveResult struct {
	Track   string
	Version int // the version the enrollments moved to
	Moved   int
	Stayed  int // still on an older version: their step is gone or a touch is running
}

// MoveToCurrent moves a track's open enrollments from older versions to the
// one new enrollments use. Each continues at the step with the same id, due
// when it was due; an enrollment whose next step the new version lacks stays
// on its version. Loading a changed track never does this by itself.
func (e *Engine) MoveToCurrent(ctx context.Context, trackID string) (MoveResult, error) {
	t, version, err := e.currentTrack(trackID)
	if err != nil {
		return MoveResult{}, fmt.Errorf("move enrollments: %w", err)
	}
	steps := make(map[string]int, len(t.Steps))
	for i, s := range t.Steps {
		steps[s.ID] = i
	}
	moved, stayed, err := e.cfg.Store.MoveEnrollments(ctx, trackID, version, steps)
	if err != nil {
		return MoveResult{}, err
	}
	return MoveResult{Track: trackID, Version: version, Moved: moved, Stayed: stayed}, nil
}
