package postgres

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/engine"
)

// RecordEvent appends a received CRM event to the event log; the same event
// again (events_once_idx) records nothing and reports false.
func (x *tx) RecordEvent(ctx context.Context, e engine.Event) (bool, error) {
	tag, err := x.q.Exec(ctx, `INSERT INTO events (contact_id, name, at, track, amount, item)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, e.ContactID, e.Name, e.At, e.Track, e.Amount, e.Item)
	if err != nil {
		return false, fmt.Errorf("record event %s for contact %d: %w", e.Name, e.ContactID, err)
	}
	return tag.RowsAffected() == 1, nil
}
