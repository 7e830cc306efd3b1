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
		return t.QueryRow(ctx, `SELECT count(*) FROM enrollments
			WHERE track_id = $1 AND track_version <> $2 AND state IN ('active', 'paused')`,
			id, version).Scan(&stillOnOld)
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
	var source, file string
	err := s.pool.QueryRow(ctx, `SELECT source, file FROM tracks WHERE id = $1 AND version = $2`, id, version).Scan(&source, &file)
	if err != nil {
		return nil, "", fmt.Errorf("track %s v%d: %w", id, version, NotFound(err))
	}
	return []byte(source), file, nil
}
