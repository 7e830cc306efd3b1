package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// contactColumns are the columns scanContact reads, in its order. Select them
// FROM contactsFrom (contacts c joined to their owner r).
const contactColumns = `c.id, coalesce(c.external_id, ''), c.email, c.first_name, c.last_name,
	c.company, c.title, c.phone, c.time_zone, c.status, c.industry, c.owner_id,
	coalesce(r.username, ''), c.lead_source, c.campaign, c.birthday, c.street, c.city,
	c.region, c.postal_code, c.country, c.custom`

// contactsFrom joins each contact (c) to its owner (r), for contactColumns.
// It starts and ends with a space.
const contactsFrom = ` FROM contacts c LEFT JOIN reps r ON r.id = c.owner_id `

// scanContact reads one row of contactColumns. A NULL owner reads as OwnerID
// 0 and Owner "", a NULL birthday as nil, an empty custom object as nil.
func scanContact(row pgx.Row) (engine.Contact, error) {
	var (
		c        engine.Contact
		owner    pgtype.Int8
		birthday pgtype.Date
		custom   map[string]any
	)
	err := row.Scan(&c.ID, &c.ExternalID, &c.Email, &c.FirstName, &c.LastName,
		&c.Company, &c.Title, &c.Phone, &c.TimeZone, &c.Status, &c.Industry, &owner,
		&c.Owner, &c.LeadSource, &c.Campaign, &birthday, &c.Street, &c.City,
		&c.Region, &c.PostalCode, &c.Country, &custom)
	if err != nil {
		return engine.Contact{}, err
	}
	c.OwnerID = idOf(owner)
	if birthday.Valid {
		d := time.Date(birthday.Time.Year(), birthday.Time.Month(), birthday.Time.Day(), 0, 0, 0, 0, time.UTC)
		c.Birthday = &d
	}
	if len(custom) > 0 {
		c.Custom = make(map[string]string, len(custom))
		for k, v := range custom {
			if s, ok := v.(string); ok {
				c.Custom[k] = s
			} else {
				c.Custom[k] = fmt.Sprint(v)
			}
		}
	}
	return c, nil
}

// Contact returns one contact with its owner's username.
func (x *tx) Contact(ctx context.Context, id int64) (engine.Contact, error) {
	return contactByID(ctx, x.q, id, "")
}

// contactByID reads one contact; lock may lock it (FOR UPDATE OF c).
func contactByID(ctx context.Context, q querier, id int64, lock string) (engine.Contact, error) {
	c, err := scanContact(q.QueryRow(ctx, `SELECT `+contactColumns+contactsFrom+`WHERE c.id = $1 `+lock, id))
	if err != nil {
		return engine.Contact{}, fmt.Errorf("contact %d: %w", id, notFound(err))
	}
	return c, nil
}

// TimeZones returns the time zone of each listed contact that exists, ""
// when unknown. Ids that match no contact are left out.
func (x *tx) TimeZones(ctx context.Context, ids []int64) (map[int64]string, error) {
	rows, err := x.q.Query(ctx, `SELECT id, time_zone FROM contacts WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("time zones of %d contacts: %w", len(ids), err)
	}
	zones := make(map[int64]string, len(ids))
	var (
		id   int64
		zone string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &zone}, func() error {
		zones[id] = zone
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("time zones of %d contacts: %w", len(ids), err)
	}
	return zones, nil
}

// ContactsByEmail lists the ids of the contacts with this address, compared
// as the suppression list compares (case and surrounding spaces do not
// matter), in id order.
func (x *tx) ContactsByEmail(ctx context.Context, email string) ([]int64, error) {
	rows, err := x.q.Query(ctx, `SELECT id FROM contacts
		WHERE lower(btrim(email)) = lower(btrim($1)) AND btrim(email) <> '' ORDER BY id`, email)
	if err != nil {
		return nil, fmt.Errorf("contacts with email %q: %w", email, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("contacts with email %q: %w", email, err)
	}
	return ids, nil
}

// CreateContact inserts c and sets its ID and OwnerID, the way the CRM
// does (CreateContacts of CRM): a company name finds or creates the company,
// an Owner username finds or creates the rep. A non-zero OwnerID names the
// owner instead of Owner. An empty status means prospect.
func (s *Store) CreateContact(ctx context.Context, c *engine.Contact) error {
	if c.Status == "" {
		c.Status = engine.StatusProspect
	}
	err := pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		if c.OwnerID != 0 {
			r, err := (&tx{q: t}).Rep(ctx, c.OwnerID)
			if err != nil {
				return err
			}
			c.Owner = r.Username
		}
		return writeContacts(ctx, t, []*engine.Contact{c}, insertContactSQL)
	})
	if err != nil {
		return fmt.Errorf("create contact %s: %w", contactName(c), err)
	}
	return nil
}

// nullDate is the query argument storing the date of d (a birthday), NULL
// when d is nil.
func nullDate(d *time.Time) any {
	if d == nil {
		return nil
	}
	return pgtype.Date{Time: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), Valid: true}
}

// contactName names a contact in errors: its external id, else its email.
func contactName(c *engine.Contact) string {
	if c.ExternalID != "" {
		return c.ExternalID
	}
	return c.Email
}

// ContactsByID reads the listed contacts that exist, in one query.
func (x *tx) ContactsByID(ctx context.Context, ids []int64) (map[int64]engine.Contact, error) {
	cs, err := collect(ctx, x.q, "read contacts", scanContact, contactsByID, ids)
	if err != nil {
		return nil, err
	}
	return byID(cs, func(c engine.Contact) int64 { return c.ID }), nil
}
