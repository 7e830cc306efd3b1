package crm

import (
	"context"
	"fmt"
	"strings"

	"github.com/dripline/dripline/engine"
)

// resolve maps contact references to the ids of the contacts they name for
// a, read through r (the store or a transaction); references naming no
// contact are left out. Every contact a user names passes through here: a
// sales rep's references name only its own contacts (access.go), so another
// rep's contact is not found.
func (s *Service) resolve(ctx context.Context, r Reader, a Actor, refs []string) (map[string]int64, error) {
	return r.ResolveContacts(ctx, refs, a.scope())
}

// resolveOne finds the contact one reference names, through r; an unknown
// one is a validation error on field.
func (s *Service) resolveOne(ctx context.Context, r Reader, a Actor, field, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	ids, err := s.resolve(ctx, r, a, []string{ref})
	if err != nil {
		return 0, err
	}
	id, ok := ids[ref]
	if !ok {
		return 0, invalid(field, "no contact %q", ref)
	}
	return id, nil
}

// ContactID resolves a contact reference (external_id, email or id) to the
// contact's id. An unknown reference wraps engine.ErrNotFound.
func (s *Service) ContactID(ctx context.Context, a Actor, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	ids, err := s.resolve(ctx, s.store, a, []string{ref})
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
func (s *Service) ContactIDs(ctx context.Context, a Actor, refs []string) (ids []int64, unknown []string, err error) {
	found, err := s.resolve(ctx, s.store, a, refs)
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
