package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
	(SELECT c.id FROM c WHERE strpos(r.ref, '@') > 0 AND lower(btrim(c.email)) = lower(btrim(r.ref))
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

// LockContacts reads the contacts and locks them FOR UPDATE, in id order.
func (x *crmTx) LockContacts(ctx context.Context, ids []int64) (map[int64]engine.Contact, error) {
	cs, err := collect(ctx, x.q, "lock contacts", scanContact, contactsByID+" ORDER BY c.id FOR UPDATE OF c", ids)
	if err != nil {
		return nil, err
	}
	return byID(cs, func(c engine.Contact) int64 { return c.ID }), nil
}

// Contacts lists a page of contacts in id order.
func (r crmReader) Contacts(ctx context.Context, f crm.ContactFilter) ([]engine.Contact, error) {
	return collect(ctx, r.q, "list contacts", scanContact, `SELECT `+contactColumns+contactsFrom+`
		WHERE c.id > $1 AND ($2 = '' OR c.status = $2) AND ($3 = '' OR r.username = $3)
			AND ($5::bigint = 0 OR c.owner_id = $5)
			AND ($6 = '' OR strpos(lower(concat_ws(' ', c.first_name, c.last_name, c.email, c.company)), lower($6)) > 0)
		ORDER BY c.id LIMIT $4`, f.After, f.Status, f.Owner, f.Limit, f.OwnerID, strings.TrimSpace(f.Search))
}

// FindContacts lists the contacts with one of the external ids or emails.
func (r crmReader) FindContacts(ctx context.Context, externalIDs, emails []string) ([]engine.Contact, error) {
	return collect(ctx, r.q, "find contacts", scanContact, `SELECT `+contactColumns+contactsFrom+`
		WHERE c.external_id = ANY($1) OR lower(btrim(c.email)) = ANY($2) ORDER BY c.id`, externalIDs, emails)
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

// CreateContacts inserts the contacts in one statement.
func (x *crmTx) CreateContacts(ctx context.Context, cs []*engine.Contact) error {
	return writeContacts(ctx, x.q, cs, insertContactSQL)
}

// UpdateContacts stores every column of existing contacts in one statement,
// then puts back on the letters pile their unmailable letters whose address
// is now usable.
func (x *crmTx) UpdateContacts(ctx context.Context, cs []*engine.Contact) error {
	if len(cs) == 0 {
		return nil
	}
	if err := writeContacts(ctx, x.q, cs, updateContactSQL); err != nil {
		return err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	_, err := refile(ctx, x.q, ` l.contact_id = ANY($1) `, ids)
	return err
}

// contactInput unnests the contacts' stored columns, one array per column
// (contactArrays), with each contact's id ($21) and position (ord).
const contactInput = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
	$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::date[],
	$15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::bigint[])
	WITH ORDINALITY AS u(external_id, email, first_name, last_name, company, title, phone, time_zone,
		status, industry, owner, lead_source, campaign, birthday, street, city, region, postal_code,
		country, custom, id, ord)`

// contactValues are the SQL expressions of a contact's stored columns over
// contactInput's u; the company and owner are looked up by name.
const contactValues = `u.external_id, u.email, u.first_name, u.last_name,
	(SELECT id FROM companies WHERE lower(name) = lower(nullif(u.company, ''))), u.company, u.title,
	u.phone, u.time_zone, u.status, u.industry,
	(SELECT id FROM reps WHERE username = nullif(u.owner, '')), u.lead_source, u.campaign,
	u.birthday, u.street, u.city, u.region, u.postal_code, u.country, u.custom::jsonb`

// contactTargets are the stored columns contactValues fill.
const contactTargets = `external_id, email, first_name, last_name, company_id, company, title, phone,
	time_zone, status, industry, owner_id, lead_source, campaign, birthday, street, city, region,
	postal_code, country, custom`

// The one insert and the one update of contacts, each answering every
// contact's position with its id and owner's id. New contacts take their
// ids from the table's sequence first, so that each is known by position.
const (
	insertContactSQL = `WITH u AS MATERIALIZED (
		SELECT u.*, nextval(pg_get_serial_sequence('contacts', 'id')) AS new_id FROM ` + contactInput + `
	), ins AS (
		INSERT INTO contacts (id, ` + contactTargets + `) OVERRIDING SYSTEM VALUE
		SELECT u.new_id, ` + contactValues + ` FROM u ORDER BY u.ord
		RETURNING id, coalesce(owner_id, 0) AS owner_id
	)
	SELECT u.ord, ins.id, ins.owner_id FROM ins JOIN u ON u.new_id = ins.id`
	updateContactSQL = `WITH upd AS (
		UPDATE contacts c SET (` + contactTargets + `, updated_at) = (` + contactValues + `, now())
		FROM ` + contactInput + ` WHERE c.id = u.id
		RETURNING u.ord, c.id, coalesce(c.owner_id, 0)
	) SELECT * FROM upd`
)

// contactArrays are the arguments of contactInput.
func contactArrays(cs []*engine.Contact) ([]any, error) {
	n := len(cs)
	external, ids := make([]*string, n), make([]int64, n)
	birthdays := make([]pgtype.Date, n)
	text := make([][]string, 18) // the text columns, in contactInput order but birthday
	for i := range text {
		text[i] = make([]string, n)
	}
	for i, c := range cs {
		if c.ExternalID != "" {
			external[i] = &c.ExternalID
		}
		custom, err := json.Marshal(c.Custom)
		if err != nil {
			return nil, fmt.Errorf("custom fields of %s: %w", contactName(c), err)
		}
		if c.Custom == nil {
			custom = []byte("{}")
		}
		for k, v := range []string{c.Email, c.FirstName, c.LastName, c.Company, c.Title, c.Phone,
			c.TimeZone, c.Status, c.Industry, c.Owner, c.LeadSource, c.Campaign,
			c.Street, c.City, c.Region, c.PostalCode, c.Country, string(custom)} {
			text[k][i] = v
		}
		if d, ok := nullDate(c.Birthday).(pgtype.Date); ok {
			birthdays[i] = d
		}
		ids[i] = c.ID
	}
	args := []any{external}
	for _, col := range text[:12] {
		args = append(args, col)
	}
	args = append(args, birthdays)
	for _, col := range text[12:] {
		args = append(args, col)
	}
	return append(args, ids), nil
}

// writeContacts creates the owners and companies the contacts name, then
// runs insertContactSQL or updateContactSQL on all of them, setting ID and
// OwnerID. A taken external_id wraps engine.ErrConflict.
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
	args, err := contactArrays(cs)
	if err != nil {
		return err
	}
	rows, err := q.Query(ctx, sql, args...)
	if err == nil {
		var ord, id, owner int64
		_, err = pgx.ForEachRow(rows, []any{&ord, &id, &owner}, func() error {
			cs[ord-1].ID, cs[ord-1].OwnerID = id, owner
			return nil
		})
	}
	if uniqueViolation(err, "contacts_external_id_key") {
		return fmt.Errorf("an external_id is taken: %w", engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("write %d contacts: %w", len(cs), err)
	}
	return nil
}

// ensureReps creates the reps named (by username) that do not exist yet:
// a contact's owner is a rep's username, created if unknown. Sorted, so
// that two imports naming the same new reps wait for each other rather
// than deadlock.
func ensureReps(ctx context.Context, q querier, usernames []string) error {
	_, err := q.Exec(ctx, `INSERT INTO reps (username)
		SELECT DISTINCT u FROM unnest($1::text[]) u WHERE u <> '' ORDER BY u
		ON CONFLICT (username) DO NOTHING`, usernames)
	if err != nil {
		return fmt.Errorf("create owner reps: %w", err)
	}
	return nil
}

// ensureCompanies creates the companies named that do not exist yet.
func ensureCompanies(ctx context.Context, q querier, names []string) error {
	_, err := q.Exec(ctx, `INSERT INTO companies (name)
		SELECT DISTINCT ON (lower(n)) n FROM unnest($1::text[]) n WHERE n <> '' ORDER BY lower(n)
		ON CONFLICT ((lower(name))) DO NOTHING`, names)
	if err != nil {
		return fmt.Errorf("create companies: %w", err)
	}
	return nil
}
