package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dripline/dripline/engine"
)

// SetTrackState records a track's state; pausing also hands the track's
// queued touches back to scheduled, in the same transaction.
func (s *Store) SetTrackState(ctx context.Context, trackID string, state engine.TrackState, at time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		_, err := t.Exec(ctx, `INSERT INTO track_states (track_id, state, changed_at) VALUES ($1, $2, $3)
			ON CONFLICT (track_id) DO UPDATE SET state = excluded.state, changed_at = excluded.changed_at`,
			trackID, string(state), at)
		if err != nil || state != engine.TrackPaused {
			return err
		}
		_, err = t.Exec(ctx, `UPDATE touches t SET state = 'scheduled', queued_at = NULL
			FROM enrollments e WHERE e.id = t.enrollment_id AND e.track_id = $1 AND t.state = 'queued'`, trackID)
		return err
	})
}

// TrackState returns a track's state; one never set is active.
func (x *tx) TrackState(ctx context.Context, trackID string) (engine.TrackState, error) {
	var state string
	err := x.q.QueryRow(ctx, `SELECT state FROM track_states WHERE track_id = $1`, trackID).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return engine.TrackActive, nil
	}
	return engine.TrackState(state), err
}

// OverdueEnrollments lists the track's active enrollments with a pending
// touch due before the instant.
func (x *tx) OverdueEnrollments(ctx context.Context, trackID string, before time.Time) ([]engine.Enrollment, error) {
	rows, err := x.q.Query(ctx, `SELECT `+enrollmentColumns+` FROM enrollments e
		WHERE e.track_id = $1 AND e.state = 'active' AND EXISTS (SELECT 1 FROM touches t
			WHERE t.enrollment_id = e.id AND t.state IN ('scheduled', 'queued') AND t.due < $2)
		ORDER BY e.id`, trackID, before)
	if err != nil {
		return nil, fmt.Errorf("overdue enrollments of track %s: %w", trackID, err)
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (engine.Enrollment, error) { return scanEnrollment(r) })
	if err != nil {
		return nil, fmt.Errorf("overdue enrollments of track %s: %w", trackID, err)
	}
	return es, nil
}

// trackStatusSQL is one row per stored track version: the track's state,
// the version's file and time, and its open enrollments.
const trackStatusSQL = `SELECT t.id, coalesce(s.state, 'active'), t.version, t.file, t.created_at,
	(SELECT count(*) FROM enrollments e WHERE e.track_id = t.id AND e.track_version = t.version
		AND e.state IN ('active', 'paused'))
	FROM tracks t LEFT JOIN track_states s ON s.track_id = t.id
	ORDER BY t.id, t.version`

// onStepSQL counts open enrollments by track and the step of their pending touch.
const onStepSQL = `SELECT e.track_id, t.step_id, count(DISTINCT e.id)
	FROM enrollments e JOIN touches t ON t.enrollment_id = e.id
	WHERE e.state IN ('active', 'paused') AND t.state IN ('scheduled', 'queued', 'running')
	GROUP BY e.track_id, t.step_id`

// TrackStatuses lists every stored track with its versions and where its
// open enrollments are.
func (s *Store) TrackStatuses(ctx context.Context) ([]engine.TrackStatus, error) {
	var out []engine.TrackStatus
	rows, err := s.pool.Query(ctx, trackStatusSQL)
	if err != nil {
		return nil, fmt.Errorf("track statuses: %w", err)
	}
	var id, state string
	var v engine.TrackVersion
	_, err = pgx.ForEachRow(rows, []any{&id, &state, &v.Version, &v.File, &v.SavedAt, &v.Open}, func() error {
		if len(out) == 0 || out[len(out)-1].Track != id {
			out = append(out, engine.TrackStatus{Track: id, State: engine.TrackState(state), OnStep: map[string]int{}})
		}
		v.SavedAt = v.SavedAt.UTC()
		out[len(out)-1].Versions = append(out[len(out)-1].Versions, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("track statuses: %w", err)
	}
	return out, s.countOnSteps(ctx, out)
}

// countOnSteps fills each status's OnStep.
func (s *Store) countOnSteps(ctx context.Context, ss []engine.TrackStatus) error {
	byID := map[string]map[string]int{}
	for _, st := range ss {
		byID[st.Track] = st.OnStep
	}
	rows, err := s.pool.Query(ctx, onStepSQL)
	if err != nil {
		return fmt.Errorf("enrollments by step: %w", err)
	}
	var track, step string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&track, &step, &n}, func() error {
		if m := byID[track]; m != nil {
			m[step] = n
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enrollments by step: %w", err)
	}
	return nil
}
