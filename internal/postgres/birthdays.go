package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// ClaimBirthdays returns, in id order, the contacts whose birthday falls on
// day's date (its year, month and day as given; Feb 29 birthdays on Feb 28
// in other years). Only the first call for a date returns them, so several
// daemons never greet anyone twice.
func (s *Store) ClaimBirthdays(ctx context.Context, day time.Time) ([]int64, error) {
	date := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	days := []int{date.Day()}
	if date.Month() == time.February && date.Day() == 28 && date.AddDate(0, 0, 1).Month() == time.March {
		days = append(days, 29)
	}
	var ids []int64
	err := pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		tag, err := t.Exec(ctx, `INSERT INTO birthday_claims (day) VALUES ($1) ON CONFLICT DO NOTHING`,
			pgtype.Date{Time: date, Valid: true})
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		rows, err := t.Query(ctx, `SELECT id FROM contacts
			WHERE birthday IS NOT NULL AND extract(month FROM birthday) = $1 AND extract(day FROM birthday) = ANY($2)
			ORDER BY id`, int(date.Month()), days)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim birthdays of %s: %w", date.Format(time.DateOnly), err)
	}
	return ids, nil
}
