package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
)

var _ crm.LeadStore = (*CRM)(nil)

// ClaimSubmission records a form's digest unless it was recorded after
// since; older digests are forgotten on the way.
func (s *CRM) ClaimSubmission(ctx context.Context, digest string, at, since time.Time) (bool, error) {
	if _, err := s.pool.Exec(ctx, `DELETE FROM lead_submissions WHERE at <= $1`, since); err != nil {
		return false, fmt.Errorf("forget old lead forms: %w", err)
	}
	var fresh bool
	err := s.pool.QueryRow(ctx, `INSERT INTO lead_submissions (digest, at) VALUES ($1, $2)
		ON CONFLICT (digest) DO UPDATE SET at = EXCLUDED.at WHERE lead_submissions.at <= $3
		RETURNING true`, digest, at, since).Scan(&fresh)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim lead form: %w", err)
	}
	return fresh, nil
}

// ReleaseSubmission forgets a form's digest.
func (s *CRM) ReleaseSubmission(ctx context.Context, digest string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM lead_submissions WHERE digest = $1`, digest); err != nil {
		return fmt.Errorf("release lead form: %w", err)
	}
	return nil
}

// NextRep takes the turn under the rotation row's lock, so concurrent
// daemons hand out leads in one circle.
func (s *CRM) NextRep(ctx context.Context) (string, error) {
	var username string
	err := pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		var last *int64
		if err := t.QueryRow(ctx, `SELECT last_rep_id FROM lead_rotation FOR UPDATE`).Scan(&last); err != nil {
			return err
		}
		var id int64
		err := t.QueryRow(ctx, `SELECT id, username FROM reps WHERE role = 'sales' AND disabled_at IS NULL
			ORDER BY id > coalesce($1, 0) DESC, id LIMIT 1`, last).Scan(&id, &username)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = t.Exec(ctx, `UPDATE lead_rotation SET last_rep_id = $1`, id)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("next rep for a lead: %w", err)
	}
	return username, nil
}

// FindLeadContact finds the oldest contact with the email, else with the
// phone's digits (phone holds digits only).
func (r crmReader) FindLeadContact(ctx context.Context, email, phone string) (int64, error) {
	var id int64
	err := r.q.QueryRow(ctx, `SELECT id FROM (
			(SELECT id, 0 AS rank FROM contacts WHERE $1 <> '' AND lower(btrim(email)) = lower($1) ORDER BY id LIMIT 1)
			UNION ALL
			(SELECT id, 1 FROM contacts WHERE $2 <> '' AND regexp_replace(phone, '[^0-9]', '', 'g') = $2 ORDER BY id LIMIT 1)
		) found ORDER BY rank LIMIT 1`, email, phone).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find lead's contact: %w", err)
	}
	return id, nil
}
