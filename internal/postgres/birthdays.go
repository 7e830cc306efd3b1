package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BirthdaysOn returns, in id order, the contacts whose birthday falls on
// day's date (its year, month and day as given; Feb 29 birthdays on Feb 28 in
// other years).
func (s *Store) BirthdaysOn(ctx context.Context, day time.Time) ([]int64, error) {
	date := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	days := []int{date.Day()}
	if date.Month() == time.February && date.Day() == 28 && date.AddDate(0, 0, 1).Month() == time.March {
		days = append(days, 29)
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM contacts
		WHERE birthday IS NOT NULL AND extract(month FROM birthday) = $1 AND extract(day FROM birthday) = ANY($2)
		ORDER BY id`, int(date.Month()), days)
	if err == nil {
		var ids []int64
		if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err == nil {
			return ids, nil
		}
	}
	return nil, fmt.Errorf("birthdays of %s: %w", date.Format(time.DateOnly), err)
}
