package crm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// CreateContact validates and adds a contact, then sends contact.created in
// the same transaction. An owner named by a username no rep has yet creates
// that rep, as the contacts import does; a taken external_id or email is a
// *ConflictError. A sales rep's contact is its own.
func (s *Service) CreateContact(ctx context.Context, a Actor, f ContactFields) (engine.Contact, error) {
	c := engine.Contact{Status: engine.StatusProspect}
	if err := f.apply(&c); err != nil {
		return c, err
	}
	var err error
	if c.Owner, err = a.nameFor("owner", c.Owner); err != nil {
		return engine.Contact{}, err
	}
	if err := validateContact(&c); err != nil {
		return c, err
	}
	err = s.store.Tx(ctx, func(tx Tx) error {
		if err := emailFree(ctx, tx, c); err != nil {
			return err
		}
		if err := tx.CreateContacts(ctx, []*engine.Contact{&c}); err != nil {
			return takenExternalID(err, c.ExternalID)
		}
		return s.emitIn(ctx, tx, engine.Event{ContactID: c.ID, Name: tracks.EventContactCreated})
	})
	if err != nil {
		return c, fmt.Errorf("create contact: %w", err)
	}
	return s.store.Contact(ctx, c.ID)
}

// UpdateContact changes the fields that are set, then sends contact.updated
// in the same transaction when anything changed. The contact is named by a
// reference; an unknown owner is created as on CreateContact, and an email
// another contact has is refused as there. A sales rep cannot give its
// contact to another rep.
func (s *Service) UpdateContact(ctx context.Context, a Actor, ref string, f ContactFields) (engine.Contact, error) {
	id, err := s.ContactID(ctx, a, ref)
	if err != nil {
		return engine.Contact{}, err
	}
	if f.Owner != nil {
		owner, err := a.nameFor("owner", *f.Owner)
		if err != nil {
			return engine.Contact{}, err
		}
		f.Owner = &owner
	}
	var old, c engine.Contact
	err = s.store.Tx(ctx, func(tx Tx) error {
		if old, err = tx.LockContact(ctx, id); err != nil {
			return err
		}
		c = old
		c.Custom = maps.Clone(old.Custom)
		if err := f.apply(&c); err != nil {
			return err
		}
		if err := validateContact(&c); err != nil {
			return err
		}
		if sameContact(old, c) {
			return nil
		}
		if !sameEmail(old.Email, c.Email) {
			if err := emailFree(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := tx.UpdateContacts(ctx, []*engine.Contact{&c}); err != nil {
			return takenExternalID(err, c.ExternalID)
		}
		return s.emitIn(ctx, tx, engine.Event{ContactID: id, Name: tracks.EventContactUpdated})
	})
	if err != nil {
		return engine.Contact{}, fmt.Errorf("update contact %q: %w", ref, err)
	}
	if sameContact(old, c) {
		return old, nil
	}
	return s.store.Contact(ctx, id)
}

// takenExternalID says which external_id was taken when err is a conflict.
func takenExternalID(err error, externalID string) error {
	if errors.Is(err, engine.ErrConflict) {
		return &ConflictError{Field: "external_id", Message: fmt.Sprintf("%q is taken by another contact", externalID)}
	}
	return err
}

// emailFree refuses c's email when another contact has it. A contact
// created or changed through the API gets an address of its own; only an
// import, whose rows come from another system, may bring two contacts with
// one address (an email reference names the oldest).
func emailFree(ctx context.Context, tx Tx, c engine.Contact) error {
	if c.Email == "" {
		return nil
	}
	taken, err := tx.EmailTaken(ctx, c.Email, c.ID)
	if err != nil {
		return err
	}
	if taken {
		return &ConflictError{Field: "email", Message: fmt.Sprintf("%q is taken by another contact", c.Email)}
	}
	return nil
}

// sameEmail reports whether two addresses are the same, as emailFree
// compares them.
func sameEmail(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// sameContact reports whether two versions of a contact store the same values.
func sameContact(a, b engine.Contact) bool {
	a.OwnerID, b.OwnerID = 0, 0
	if len(a.Custom) == 0 && len(b.Custom) == 0 {
		a.Custom, b.Custom = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// Contact returns the contact a reference names.
func (s *Service) Contact(ctx context.Context, a Actor, ref string) (engine.Contact, error) {
	id, err := s.ContactID(ctx, a, ref)
	if err != nil {
		return engine.Contact{}, err
	}
	return s.store.Contact(ctx, id)
}

// ContactFilter selects a page of contacts.
type ContactFilter struct {
	Status string // "" for any
	Owner  string // a rep's username; "" for any
	// OwnerID keeps only the contacts of this rep; 0 for any. A sales rep's
	// list is always its own.
	OwnerID int64
	After   int64 // only contacts with a greater id (the previous page's Next)
	Limit   int   // page size; default 50, at most 500
	// Search keeps contacts whose name, email or company contains it,
	// ignoring case; "" keeps all.
	Search string
}

// ContactPage is one page of contacts in id order; Next is the After of the
// next page, 0 on the last page.
type ContactPage struct {
	Contacts []engine.Contact
	Next     int64
}

// ListContacts returns a page of the contacts a sees matching f.
func (s *Service) ListContacts(ctx context.Context, a Actor, f ContactFilter) (ContactPage, error) {
	if scope := a.scope(); scope != 0 {
		f.OwnerID = scope
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Status != "" {
		if err := engine.CheckStatus(f.Status); err != nil {
			return ContactPage{}, invalid("status", "%v", err)
		}
	}
	if f.Limit > 500 {
		return ContactPage{}, invalid("limit", "at most 500")
	}
	limit := f.Limit
	f.Limit++ // one more tells whether a next page exists
	cs, err := s.store.Contacts(ctx, f)
	if err != nil {
		return ContactPage{}, fmt.Errorf("list contacts: %w", err)
	}
	page := ContactPage{Contacts: cs}
	if len(cs) > limit {
		page.Contacts = cs[:limit]
		page.Next = cs[limit-1].ID
	}
	return page, nil
}
