package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
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

// RecordEvents records many events in one statement; fresh[i] is false for
// an event recorded before or earlier in es.
func (x *tx) RecordEvents(ctx context.Context, es []engine.Event) ([]bool, error) {
	fresh := make([]bool, len(es))
	if len(es) == 0 {
		return fresh, nil
	}
	ids := make([]int64, len(es))
	var names, tracks, amounts, items []string
	ats := make([]time.Time, len(es))
	for i, e := range es {
		ids[i], ats[i] = e.ContactID, e.At
		names, tracks = append(names, e.Name), append(tracks, e.Track)
		amounts, items = append(amounts, e.Amount), append(items, e.Item)
	}
	rows, err := x.q.Query(ctx, `INSERT INTO events (contact_id, name, at, track, amount, item)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])
		ON CONFLICT DO NOTHING RETURNING contact_id, name, at, track, amount, item`,
		ids, names, ats, tracks, amounts, items)
	if err != nil {
		return nil, fmt.Errorf("record %d events: %w", len(es), err)
	}
	recorded := make(map[eventKey]bool, len(es))
	var e engine.Event
	_, err = pgx.ForEachRow(rows, []any{&e.ContactID, &e.Name, &e.At, &e.Track, &e.Amount, &e.Item}, func() error {
		recorded[keyOf(e)] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record %d events: %w", len(es), err)
	}
	for i, e := range es {
		k := keyOf(e)
		fresh[i] = recorded[k]
		delete(recorded, k) // a repeat later in es is not fresh
	}
	return fresh, nil
}

// eventKey is what makes an event the same event (events_once_idx), its
// time as stored: in microseconds.
type eventKey struct {
	contact                   int64
	name, track, amount, item string
	at                        int64
}

func keyOf(e engine.Event) eventKey {
	return eventKey{e.ContactID, e.Name, e.Track, e.Amount, e.Item, e.At.UnixMicro()}
}
