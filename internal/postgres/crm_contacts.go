package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// resolveSQL finds the contact of each reference: by external_id, else by
// email (the oldest contact with it), else by numeric id; among the
// contacts of owner $2 unless it is 0.
const resolveSQL = `WITH r AS (SELECT DISTINCT unnest($1::text[]) AS ref),
c AS (SELECT id, external_id, email FROM contacts WHERE $2::bigint = 0 OR owner_id = $2)
SELECT r.ref, coalesce(
	(SELECT c.id FROM c WHERE c.external_id = r.ref),
	(SELECT c.id FROM c WHERE strpos(r.ref, '@') > 0 AND lower(c.email) = lower(r.ref)
		ORDER BY c.id LIMIT 1),
	(SELECT c.id FROM c
		WHERE c.id = CASE WHEN r.ref ~ '^[0-9]{1,18}$' THEN r.ref::bigint END))
FROM r`

// ResolveContacts maps each contact reference to a contact id among the
// contacts of owner (all when 0); references that match no contact are left
// out of the map.
func (r crmReader) ResolveContacts(ctx context.Context, refs []string, owner int64) (map[string]int64, error) {
	rows, err := r.q.Query(ctx, resolveSQL, refs, owner)
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

// Contact returns one contact with its owner's username.
func (r crmReader) Contact(ctx context.Context, id int64) (engine.Contact, error) {
	return contactByID(ctx, r.q, id, "")
}

// LockContact reads a contact FOR UPDATE.
func (x *crmTx) LockContact(ctx context.Context, id int64) (engine.Contact, error) {
	return contactByID(ctx, x.q, id, "FOR UPDATE OF c")
}

// Contacts lists a page of contacts in id order.
func (r crmReader) Contacts(ctx context.Context, f crm.ContactFilter) ([]engine.Contact, error) {
	return collect(ctx, r.q, "list contacts", scanContact, `SELECT `+contactColumns+contactsFrom+`
		WHERE c.id > $1 AND ($2 = '' OR c.status = $2) AND ($3 = '' OR r.username = $3)
			AND ($5::bigint = 0 OR c.owner_id = $5)
		ORDER BY c.id LIMIT $4`, f.After, f.Status, f.Owner, f.Limit, f.OwnerID)
}

// FindContacts lists the contacts with one of the external ids or emails.
func (r crmReader) FindContacts(ctx context.Context, externalIDs, emails []string) ([]engine.Contact, error) {
	return collect(ctx, r.q, "find contacts", scanContact, `SELECT `+contactColumns+contactsFrom+`
		WHERE c.external_id = ANY($1) OR lower(c.email) = ANY($2) ORDER BY c.id`, externalIDs, emails)
}

// EmailTaken locks the address (an advisory lock held until the
// transaction ends) and reports whether a contact other than except has it.
func (x *crmTx) EmailTaken(ctx context.Context, email string, except int64) (bool, error) {
	var taken bool
	err := x.q.QueryRow(ctx, `WITH l AS (SELECT pg_advisory_xact_lock(hashtextextended('contact email ' || lower(btrim($1)), 0)))
		SELECT EXISTS (SELECT 1 FROM l, contacts c WHERE lower(btrim(c.email)) = lower(btrim($1)) AND c.id <> $2)`,
		email, except).Scan(&taken)
	if err != nil {
		return false, fmt.Errorf("is email %q taken: %w", email, err)
	}
	return taken, nil
}

// CreateContacts inserts the contacts, batchSize a round trip.
func (x *crmTx) CreateContacts(ctx context.Context, cs []*engine.Contact) error {
	return writeContacts(ctx, x.q, cs, insertContactSQL)
}

// UpdateContacts stores every column of existing contacts.
func (x *crmTx) UpdateContacts(ctx context.Context, cs []*engine.Contact) error {
	return writeContacts(ctx, x.q, cs, updateContactSQL)
}

// batchSize is how many contacts go to PostgreSQL in one round trip.
const batchSize = 1000

// contactValues are the SQL expressions of a contact's stored columns, in
// contactArgs order; the company and owner are looked up by name.
const contactValues = `$1, $2, $3, $4,
	(SELECT id FROM companies WHERE lower(name) = lower(nullif($5, ''))), $5, $6, $7, $8, $9, $10,
	(SELECT id FROM reps WHERE username = nullif($11, '')), $12, $13, $14, $15, $16, $17, $18, $19, $20`

// contactTargets are the stored columns contactValues fill.
const contactTargets = `external_id, email, first_name, last_name, company_id, company, title, phone,
	time_zone, status, industry, owner_id, lead_source, campaign, birthday, street, city, region,
	postal_code, country, custom`

// The one insert and the one update of a contact.
const (
	insertContactSQL = `INSERT INTO contacts (` + contactTargets + `) VALUES (` + contactValues + `)
		RETURNING id, coalesce(owner_id, 0)`
	updateContactSQL = `UPDATE contacts SET (` + contactTargets + `, updated_at) = (` + contactValues + `, now())
		WHERE id = $21 RETURNING id, coalesce(owner_id, 0)`
)

// contactArgs are the arguments of contactValues.
func contactArgs(c *engine.Contact) []any {
	custom := c.Custom
	if custom == nil {
		custom = map[string]string{}
	}
	var external *string
	if c.ExternalID != "" {
		external = &c.ExternalID
	}
	return []any{external, c.Email, c.FirstName, c.LastName, c.Company, c.Title,
		c.Phone, c.TimeZone, c.Status, c.Industry, c.Owner, c.LeadSource, c.Campaign,
		nullDate(c.Birthday), c.Street, c.City, c.Region, c.PostalCode, c.Country, custom}
}

// writeContacts creates the owners and companies the contacts name, then
// runs insertContactSQL or updateContactSQL for each, batchSize a round
// trip, setting ID and OwnerID. A taken external_id wraps engine.ErrConflict.
func writeContacts(ctx context.Context, q querier, cs []*engine.Contact, sql string) error {
	if len(cs) == 0 {
		return nil
	}
	owners, companies := make([]string, 0, len(cs)), make([]string, 0, len(cs))
	for _, c := range cs {
		owners, companies = append(owners, c.Owner), append(companies, c.Company)
	}
	if err := ensureReps(ctx, q, owners); err != nil {
		return err
	}
	if err := ensureCompanies(ctx, q, companies); err != nil {
		return err
	}
	for chunk := range slices.Chunk(cs, batchSize) {
		b := &pgx.Batch{}
		for _, c := range chunk {
			args := contactArgs(c)
			if sql == updateContactSQL {
				args = append(args, c.ID)
			}
			b.Queue(sql, args...).QueryRow(func(row pgx.Row) error { return row.Scan(&c.ID, &c.OwnerID) })
		}
		err := q.SendBatch(ctx, b).Close()
		if uniqueViolation(err, "contacts_external_id_key") {
			return fmt.Errorf("an external_id is taken: %w", engine.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("write %d contacts: %w", len(chunk), err)
		}
	}
	return nil
}

// ensureReps creates the reps named (by username) that do not exist yet:
// a contact's owner is a rep's username, created if unknown.
func ensureReps(ctx context.Context, q querier, usernames []string) error {
	_, err := q.Exec(ctx, `INSERT INTO reps (username)
		SELECT DISTINCT u FROM unnest($1::text[]) u WHERE u <> ''
		ON CONFLICT (username) DO NOTHING`, usernames)
	if err != nil {
		return fmt.Errorf("create owner reps: %w", err)
	}
	return nil
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
