package engine

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/tracks"
)

// Birthdays sends contact.birthday to every contact whose birthday is today
// (by the engine's clock, UTC date). The daemon runs it daily; a second run the
// same day, here or on another daemon, finds nothing to do. It returns how
// many contacts got the event.
func (e *Engine) Birthdays(ctx context.Context) (int, error) {
	now := e.now()
	ids, err := e.cfg.Store.ClaimBirthdays(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("birthdays: %w", err)
	}
	for i, id := range ids {
		if _, err := e.HandleEvent(ctx, Event{ContactID: id, Name: tracks.EventBirthday, At: now}); err != nil {
			return i, fmt.Errorf("birthdays: %w", err)
		}
	}
	return len(ids), nil
}
