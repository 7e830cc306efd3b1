package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// tokenSelect reads the columns scanToken scans, from api_tokens t.
const tokenSelect = `SELECT t.id, t.rep_id, r.username, t.prefix, t.label, t.hash, t.created_at,
	t.last_used_at, t.revoked_at FROM api_tokens t JOIN reps r ON r.id = t.rep_id `

// scanToken reads one row of tokenSelect.
func scanToken(row pgx.Row) (crm.Token, error) {
	var (
		t            crm.Token
		used, revoke pgtype.Timestamptz
	)
	err := row.Scan(&t.ID, &t.RepID, &t.Rep, &t.Prefix, &t.Label, &t.Hash, &t.CreatedAt, &used, &revoke)
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = t.CreatedAt.UTC(), timePtr(used), timePtr(revoke)
	return t, err
}

// TokenByHash returns the token with this hash and its rep.
func (r crmReader) TokenByHash(ctx context.Context, hash []byte) (crm.Token, engine.Rep, error) {
	t, err := scanToken(r.q.QueryRow(ctx, tokenSelect+`WHERE t.hash = $1`, hash))
	if err != nil {
		return t, engine.Rep{}, fmt.Errorf("token: %w", notFound(err))
	}
	rep, err := repByID(ctx, r.q, t.RepID)
	return t, rep, err
}

// Tokens lists a rep's tokens (every rep's when 0) by id.
func (r crmReader) Tokens(ctx context.Context, repID int64) ([]crm.Token, error) {
	return collect(ctx, r.q, "list tokens", scanToken,
		tokenSelect+`WHERE $1::bigint = 0 OR t.rep_id = $1 ORDER BY t.id`, repID)
}

// PasswordHash returns a rep's password hash.
func (r crmReader) PasswordHash(ctx context.Context, repID int64) (string, error) {
	var h string
	if err := r.q.QueryRow(ctx, `SELECT password_hash FROM reps WHERE id = $1`, repID).Scan(&h); err != nil {
		return "", fmt.Errorf("password of rep %d: %w", repID, notFound(err))
	}
	return h, nil
}

// RepsWithPassword returns the ids of the reps that have a password.
func (r crmReader) RepsWithPassword(ctx context.Context) (map[int64]bool, error) {
	rows, err := r.q.Query(ctx, `SELECT id FROM reps WHERE password_hash <> ''`)
	if err != nil {
		return nil, fmt.Errorf("reps with a password: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("reps with a password: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// SessionByHash returns a session by the hash of its id.
func (r crmReader) SessionByHash(ctx context.Context, hash []byte) (crm.Session, error) {
	s := crm.Session{Hash: hash}
	err := r.q.QueryRow(ctx, `SELECT rep_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = $1`,
		hash).Scan(&s.RepID, &s.CSRF, &s.CreatedAt, &s.ExpiresAt)
	if err != nil {
		return crm.Session{}, fmt.Errorf("session: %w", notFound(err))
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s, nil
}

// CreateToken stores a token's hash and prefix and sets its ID.
func (x *crmTx) CreateToken(ctx context.Context, t *crm.Token) error {
	err := x.q.QueryRow(ctx, `INSERT INTO api_tokens (rep_id, hash, prefix, label, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, t.RepID, t.Hash, t.Prefix, t.Label, t.CreatedAt).Scan(&t.ID)
	if uniqueViolation(err, "api_tokens_prefix_key") || uniqueViolation(err, "api_tokens_hash_key") {
		err = fmt.Errorf("token prefix %q is taken: %w", t.Prefix, engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store a token for rep %d: %w", t.RepID, err)
	}
	return nil
}

// RevokeTokens revokes every token of a rep not revoked yet.
func (x *crmTx) RevokeTokens(ctx context.Context, repID int64, at time.Time) (int, error) {
	tag, err := x.q.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE rep_id = $1 AND revoked_at IS NULL`, repID, at)
	if err != nil {
		return 0, fmt.Errorf("revoke the tokens of rep %d: %w", repID, err)
	}
	return int(tag.RowsAffected()), nil
}

// RevokeToken revokes the token with this prefix unless it is already.
func (x *crmTx) RevokeToken(ctx context.Context, prefix string, at time.Time) (bool, error) {
	tag, err := x.q.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL`, prefix, at)
	if err != nil {
		return false, fmt.Errorf("revoke token %s: %w", prefix, err)
	}
	return tag.RowsAffected() == 1, nil
}

// TokenUsed notes a token's last use.
func (x *crmTx) TokenUsed(ctx context.Context, id int64, at time.Time) error {
	if _, err := x.q.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, at); err != nil {
		return fmt.Errorf("note the use of token %d: %w", id, err)
	}
	return nil
}

// SetPassword stores a rep's password hash.
func (x *crmTx) SetPassword(ctx context.Context, repID int64, hash string) error {
	tag, err := x.q.Exec(ctx, `UPDATE reps SET password_hash = $2 WHERE id = $1`, repID, hash)
	if err == nil && tag.RowsAffected() == 0 {
		err = engine.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("set the password of rep %d: %w", repID, err)
	}
	return nil
}

// CreateSession stores a session by the hash of its id.
func (x *crmTx) CreateSession(ctx context.Context, s crm.Session) error {
	_, err := x.q.Exec(ctx, `INSERT INTO sessions (id_hash, rep_id, csrf_token, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, s.Hash, s.RepID, s.CSRF, s.CreatedAt, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store a session of rep %d: %w", s.RepID, err)
	}
	return nil
}

// DeleteSession deletes the session with this hash of its id.
func (x *crmTx) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := x.q.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash); err != nil {
		return fmt.Errorf("end a session: %w", err)
	}
	return nil
}

// DeleteSessions deletes a rep's sessions, or (repID 0) those expired at
// the instant.
func (x *crmTx) DeleteSessions(ctx context.Context, repID int64, expiredAt time.Time) (int, error) {
	tag, err := x.q.Exec(ctx, `DELETE FROM sessions
		WHERE CASE WHEN $1::bigint > 0 THEN rep_id = $1 ELSE expires_at <= $2 END`, repID, expiredAt)
	if err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
