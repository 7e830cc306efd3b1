package crm

import (
	"context"
	"fmt"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// resolveSQL finds the contact of each reference: by external_id, else by
// email (the oldest contact with it), else by numeric id.
const resolveSQL = `WITH r AS (SELECT DISTINCT unnest($1::text[]) AS ref)
SELECT r.ref, coalesce(
	(SELECT c.id FROM contacts c WHERE c.external_id = r.ref),
	(SELECT c.id FROM contacts c WHERE strpos(r.ref, '@') > 0 AND lower(c.email) = lower(r.ref)
		ORDER BY c.id LIMIT 1),
	(SELECT c.id FROM contacts c
		WHERE c.id = CASE WHEN r.ref ~ '^[0-9]{1,18}$' THEN r.ref::bigint END))
FROM r`

// resolveRefs maps each contact reference to a contact id; references that
// match no contact are left out of the map.
func resolveRefs(ctx context.Context, q querier, refs []string) (map[string]int64, error) {
	rows, err := q.Query(ctx, resolveSQL, refs)
	if err != nil {
		return nil, fmt.Errorf("resolve %d contact references: %w", len(refs), err)
	}
	ids := make(map[string]int64, len(refs))
	var (
		ref string
		id  pgtype.Int8
	)
	_, err = pgx.ForEachRow(rows, []any{&ref, &id}, func() error {
		if id.Valid {
			ids[ref] = id.Int64
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resolve %d contact references: %w", len(refs), err)
	}
	return ids, nil
}

// ContactID resolves a contact reference (external_id, email or id) to the
// contact's id. An unknown reference wraps engine.ErrNotFound.
func (s *Store) ContactID(ctx context.Context, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	ids, err := resolveRefs(ctx, s.pool, []string{ref})
	if err != nil {
		return 0, err
	}
	id, ok := ids[ref]
	if !ok {
		return 0, fmt.Errorf("contact %q: %w", ref, engine.ErrNotFound)
	}
	return id, nil
}

// ContactIDs resolves many references at once, in order. The references that
// match no contact are returned in unknown, and ids then is nil.
func (s *Store) ContactIDs(ctx context.Context, refs []string) (ids []int64, unknown []string, err error) {
	found, err := resolveRefs(ctx, s.pool, refs)
	if err != nil {
		return nil, nil, err
	}
	ids = make([]int64, 0, len(refs))
	for _, ref := range refs {
		id, ok := found[ref]
		if !ok {
			unknown = append(unknown, ref)
		}
		ids = append(ids, id)
	}
	if len(unknown) > 0 {
		return nil, unknown, nil
	}
	return ids, nil, nil
}
