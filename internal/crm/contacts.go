package crm

import (
	"context"
	"fmt"
	"maps"
	"reflect"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5"
)

// contactValues are the SQL expressions of a contact's stored columns, in
// contactArgs order; the company and owner are looked up by name.
const contactValues = `$1, $2, $3, $4,
	(SELECT id FROM companies WHERE lower(name) = lower(nullif($5, ''))), $5, $6, $7, $8, $9, $10,
	(SELECT id FROM reps WHERE username = nullif($11, '')), $12, $13, $14, $15, $16, $17, $18, $19, $20`

// contactTargets are the stored columns contactValues fill.
const contactTargets = `external_id, email, first_name, last_name, company_id, company, title, phone,
	time_zone, status, industry, owner_id, lead_source, campaign, birthday, street, city, region,
	postal_code, country, custom`

// contactArgs are the arguments of contactValues.
func contactArgs(c *engine.Contact) []any {
	custom := c.Custom
	if custom == nil {
		custom = map[string]string{}
	}
	return []any{nullText(c.ExternalID), c.Email, c.FirstName, c.LastName, c.Company, c.Title,
		c.Phone, c.TimeZone, c.Status, c.Industry, c.Owner, c.LeadSource, c.Campaign,
		postgres.NullDate(c.Birthday), c.Street, c.City, c.Region, c.PostalCode, c.Country, custom}
}

// ensureCompanies creates the companies named that do not exist yet.
func ensureCompanies(ctx context.Context, q querier, names []string) error {
	_, err := q.Exec(ctx, `INSERT INTO companies (name)
		SELECT DISTINCT ON (lower(n)) n FROM unnest($1::text[]) n WHERE n <> ''
		ON CONFLICT ((lower(name))) DO NOTHING`, names)
	if err != nil {
		return fmt.Errorf("create companies: %w", err)
	}
	return nil
}

// CreateContact validates and adds a contact, then sends contact.created. The
// owner must be an existing rep; a taken external_id wraps engine.ErrConflict.
func (s *Store) CreateContact(ctx context.Context, f ContactFields) (engine.Contact, error) {
	c := engine.Contact{Status: engine.StatusProspect}
	if err := f.apply(&c); err != nil {
		return c, err
	}
	if err := validateContact(&c); err != nil {
		return c, err
	}
	err := postgres.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := repIDByUsername(ctx, tx, "owner", c.Owner); err != nil {
			return err
		}
		if err := ensureCompanies(ctx, tx, []string{c.Company}); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO contacts (`+contactTargets+`) VALUES (`+contactValues+`) RETURNING id`,
			contactArgs(&c)...).Scan(&c.ID)
		if postgres.UniqueViolation(err, "contacts_external_id_key") {
			return fmt.Errorf("external_id %q is taken: %w", c.ExternalID, engine.ErrConflict)
		}
		if err != nil {
			return err
		}
		return s.emitIn(ctx, tx, engine.Event{ContactID: c.ID, Name: tracks.EventContactCreated})
	})
	if err != nil {
		return c, fmt.Errorf("create contact: %w", err)
	}
	return s.contact(ctx, s.pool, c.ID)
}

// UpdateContact changes the fields that are set, then sends contact.updated
// when anything changed. The contact is named by a reference.
func (s *Store) UpdateContact(ctx context.Context, ref string, f ContactFields) (engine.Contact, error) {
	id, err := s.ContactID(ctx, ref)
	if err != nil {
		return engine.Contact{}, err
	}
	var old, c engine.Contact
	err = postgres.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if old, err = s.contact(ctx, tx, id, "FOR UPDATE OF c"); err != nil {
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
		if err := writeContact(ctx, tx, &c); err != nil {
			return err
		}
		return s.emitIn(ctx, tx, engine.Event{ContactID: id, Name: tracks.EventContactUpdated})
	})
	if err != nil {
		return engine.Contact{}, fmt.Errorf("update contact %q: %w", ref, err)
	}
	if sameContact(old, c) {
		return old, nil
	}
	return s.contact(ctx, s.pool, id)
}

// writeContact stores every column of an existing contact.
func writeContact(ctx context.Context, tx pgx.Tx, c *engine.Contact) error {
	if _, err := repIDByUsername(ctx, tx, "owner", c.Owner); err != nil {
		return err
	}
	if err := ensureCompanies(ctx, tx, []string{c.Company}); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, updateContactSQL, append(contactArgs(c), c.ID)...)
	if postgres.UniqueViolation(err, "contacts_external_id_key") {
		return fmt.Errorf("external_id %q is taken: %w", c.ExternalID, engine.ErrConflict)
	}
	return err
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
func (s *Store) Contact(ctx context.Context, ref string) (engine.Contact, error) {
	id, err := s.ContactID(ctx, ref)
	if err != nil {
		return engine.Contact{}, err
	}
	return s.contact(ctx, s.pool, id)
}

// contact reads one contact by id; suffix may lock it (FOR UPDATE).
func (s *Store) contact(ctx context.Context, q querier, id int64, suffix ...string) (engine.Contact, error) {
	sql := `SELECT ` + postgres.ContactColumns + postgres.ContactsFrom + `WHERE c.id = $1 `
	for _, x := range suffix {
		sql += x
	}
	c, err := postgres.ScanContact(q.QueryRow(ctx, sql, id))
	if err != nil {
		return engine.Contact{}, fmt.Errorf("contact %d: %w", id, postgres.NotFound(err))
	}
	return c, nil
}

// ContactFilter selects a page of contacts.
type ContactFilter struct {
	Status string // "" for any
	Owner  string // a rep's username; "" for any
	After  int64  // only contacts with a greater id (the previous page's Next)
	Limit  int    // page size; default 50, at most 500
}

// ContactPage is one page of contacts in id order; Next is the After of the
// next page, 0 on the last page.
type ContactPage struct {
	Contacts []engine.Contact
	Next     int64
}

// ListContacts returns a page of contacts matching f.
func (s *Store) ListContacts(ctx context.Context, f ContactFilter) (ContactPage, error) {
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
	rows, err := s.pool.Query(ctx, `SELECT `+postgres.ContactColumns+postgres.ContactsFrom+`
		WHERE c.id > $1 AND ($2 = '' OR c.status = $2) AND ($3 = '' OR r.username = $3)
		ORDER BY c.id LIMIT $4`, f.After, f.Status, f.Owner, f.Limit+1)
	if err != nil {
		return ContactPage{}, fmt.Errorf("list contacts: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (engine.Contact, error) { return postgres.ScanContact(r) })
	if err != nil {
		return ContactPage{}, fmt.Errorf("list contacts: %w", err)
	}
	page := ContactPage{Contacts: cs}
	if len(cs) > f.Limit {
		page.Contacts = cs[:f.Limit]
		page.Next = cs[f.Limit-1].ID
	}
	return page, nil
}
