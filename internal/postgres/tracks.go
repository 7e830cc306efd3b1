package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// trackLockSpace is the first key of the advisory locks that serialize
// SaveTrack per track id; the second is the hash of the id.
const trackLockSpace int32 = 0x74726b // "trk"

// SaveTrack records a version of a track. Source whose hash is new gets the
// next version number; a hash already stored returns that version. stillOnOld
// counts the open enrollments on the track's other versions, which keep
// running on them. Concurrent saves of one track wait for each other.
func (s *Store) SaveTrack(ctx context.Context, id, hash string, source []byte, file string) (int, int, error) {
	var version, stillOnOld int
	err := pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		var err error
		if version, err = saveTrackVersion(ctx, t, id, hash, source, file); err != nil {
			return err
		}
		stillOnOld, err = openOnOtherVersions(ctx, t, id, version)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("save track %s: %w", id, err)
	}
	return version, stillOnOld, nil
}

func saveTrackVersion(ctx context.Context, t pgx.Tx, id, hash string, source []byte, file string) (int, error) {
	if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, trackLockSpace, id); err != nil {
		return 0, fmt.Errorf("lock: %w", err)
	}
	var version int
	err := t.QueryRow(ctx, `SELECT version FROM tracks WHERE id = $1 AND hash = $2`, id, hash).Scan(&version)
	if !errors.Is(err, pgx.ErrNoRows) {
		return version, err
	}
	err = t.QueryRow(ctx, `INSERT INTO tracks (id, version, hash, source, file)
		SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 FROM tracks WHERE id = $1
		RETURNING version`, id, hash, string(source), file).Scan(&version)
	return version, err
}

// TrackSource returns the YAML and file name of one stored version of a track.
func (s *Store) TrackSource(ctx context.Context, id string, version int) ([]byte, string, error) {
	return trackSource(ctx, s.pool, id, version)
}

// TrackSource is Store.TrackSource inside the transaction.
func (x *tx) TrackSource(ctx context.Context, id string, version int) ([]byte, string, error) {
	return trackSource(ctx, x.q, id, version)
}

func trackSource(ctx context.Context, q querier, id string, version int) ([]byte, string, error) {
	var source, file string
	err := q.QueryRow(ctx, `SELECT source, file FROM tracks WHERE id = $1 AND version = $2`, id, version).Scan(&source, &file)
	if err != nil {
		return nil, "", fmt.Errorf("track %s v%d: %w", id, version, notFound(err))
	}
	return []byte(source), file, nil
}

// moveSQL moves open enrollments of track $1 on versions other than $2 whose
// single pending touch is at a step ($3 step ids, $4 their indexes) of
// version $2, together with that touch, in one statement.
const moveSQL = `WITH steps AS (
	SELECT * FROM unnest($3::text[], $4::int[]) AS s(step_id, step_index)
), movable AS (
	SELECT e.id AS enrollment_id, t.id AS touch_id, s.step_index
	FROM enrollments e
	JOIN touches t ON t.enrollment_id = e.id AND t.state IN ('scheduled', 'queued')
	JOIN steps s ON s.step_id = t.step_id
	WHERE e.track_id = $1 AND e.track_version <> $2 AND e.state IN ('active', 'paused')
	  AND NOT EXISTS (SELECT 1 FROM touches r WHERE r.enrollment_id = e.id AND r.state = 'running')
	FOR UPDATE OF e, t
), moved_touches AS (
	UPDATE touches t SET track_version = $2, step_index = m.step_index
	FROM movable m WHERE t.id = m.touch_id
)
UPDATE enrollments e SET track_version = $2 FROM movable m WHERE e.id = m.enrollment_id`

// MoveEnrollments implements engine.Store.
func (s *Store) MoveEnrollments(ctx context.Context, trackID string, version int, stepIndex map[string]int) (int, int, error) {
	ids := make([]string, 0, len(stepIndex))
	idx := make([]int32, 0, len(stepIndex))
	for id, i := range stepIndex {
		ids = append(ids, id)
		idx = append(idx, int32(i))
	}
	var moved, stayed int
	err := pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		tag, err := t.Exec(ctx, moveSQL, trackID, version, ids, idx)
		if err != nil {
			return err
		}
		moved = int(tag.RowsAffected())
		stayed, err = openOnOtherVersions(ctx, t, trackID, version)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("move enrollments of %s to v%d: %w", trackID, version, err)
	}
	return moved, stayed, nil
}

// openOnOtherVersions counts a track's open enrollments on versions other
// than version.
func openOnOtherVersions(ctx context.Context, t pgx.Tx, trackID string, version int) (int, error) {
	var n int
	err := t.QueryRow(ctx, `SELECT count(*) FROM enrollments
		WHERE track_id = $1 AND track_version <> $2 AND state IN ('active', 'paused')`, trackID, version).Scan(&n)
	return n, err
}
