package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/tracks"
)

// Birthdays sends contact.birthday, dated today (UTC midnight by the engine's
// clock), to every contact whose birthday is today, and returns how many were
// new. The daemon runs it every hour: a birthday already sent today is the same
// event and is handled once, so several daemons, or a run cut short by a crash
// and finished an hour later, greet everyone exactly once.
func (e *Engine) Birthdays(ctx context.Context) (int, error) {
	now := e.now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	ids, err := e.cfg.Store.BirthdaysOn(ctx, day)
	if err != nil {
		return 0, fmt.Errorf("birthdays: %w", err)
	}
	n := 0
	for _, id := range ids {
		res, err := e.HandleEvent(ctx, Event{ContactID: id, Name: tracks.EventBirthday, At: day})
		if err != nil {
			return n, fmt.Errorf("birthdays: %w", err)
		}
		if !res.Duplicate {
			n++
		}
	}
	return n, nil
}
