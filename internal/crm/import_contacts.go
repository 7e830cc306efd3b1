package crm

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5"
)

// batchSize is how many rows an import sends to PostgreSQL in one round trip.
const batchSize = 1000

// Import reads a contacts CSV (the format DESIGN.md fixes) and upserts its
// good rows in one transaction: a row with an external_id updates the
// contact with it, a row without one the oldest contact with its email;
// otherwise it adds a contact. On an update only the file's columns change,
// and a blank cell clears its field (a blank status means prospect). Rows
// repeating an email without an external_id are one contact, the last row
// winning. Owners are reps' usernames, created when unknown.
//
// After the commit every new contact gets contact.created and every changed
// one contact.updated through the sink, several contacts at a time, even
// when ctx is canceled meanwhile.
func (s *Store) Import(ctx context.Context, file string, r io.Reader) (ImportResult, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", file, err)
	}
	rows, errs := csvio.ParseContacts(file, bytes.NewReader(data))
	res := ImportResult{Errors: errs}
	if len(rows) == 0 {
		return res, nil
	}
	cols := headerColumns(data)
	rows = mergeByEmail(rows, cols)
	var created, updated []int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		created, updated, err = upsertContacts(ctx, tx, rows, cols)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("import %s: %w", file, err)
	}
	res.Created, res.Updated = len(created), len(updated)
	res.Unchanged = len(rows) - res.Created - res.Updated
	s.log.Info("contacts imported", "file", file, "created", res.Created, "updated", res.Updated,
		"unchanged", res.Unchanged, "bad_rows", len(res.Errors))
	jobs := make([]eventJob, 0, len(created)+len(updated))
	for _, id := range created {
		jobs = append(jobs, eventJob{ev: engine.Event{ContactID: id, Name: tracks.EventContactCreated}})
	}
	for _, id := range updated {
		jobs = append(jobs, eventJob{ev: engine.Event{ContactID: id, Name: tracks.EventContactUpdated}})
	}
	// The rows are in: their events follow even if the caller gives up.
	if err := s.dispatch(context.WithoutCancel(ctx), file, jobs, &res); err != nil {
		return res, fmt.Errorf("import %s: %w", file, err)
	}
	return res, nil
}

// headerColumns reads the lower-case column names of a CSV's header row.
// A header csvio refused yields no rows, so an unreadable one does not matter.
func headerColumns(data []byte) []string {
	rec, err := csv.NewReader(bytes.NewReader(data)).Read()
	if err != nil {
		return nil
	}
	cols := make([]string, len(rec))
	for i, name := range rec {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		cols[i] = strings.ToLower(strings.TrimSpace(name))
	}
	return cols
}

// applyColumns copies the file's columns of row onto c. The external_id that
// matched is kept; other columns are custom fields, removed when blank.
func applyColumns(c *engine.Contact, row engine.Contact, cols []string) {
	for _, col := range cols {
		if field := csvio.TextField(c, col); field != nil {
			if col != "external_id" {
				*field = *csvio.TextField(&row, col)
			}
			continue
		}
		if col == "birthday" {
			c.Birthday = row.Birthday
			continue
		}
		if v := row.Custom[col]; v != "" {
			if c.Custom == nil {
				c.Custom = map[string]string{}
			}
			c.Custom[col] = v
		} else {
			delete(c.Custom, col)
		}
	}
}

// mergeByEmail folds rows that have no external_id and repeat an email into
// the first of them, later rows winning.
func mergeByEmail(rows []engine.Contact, cols []string) []engine.Contact {
	first := map[string]int{}
	out := rows[:0:0]
	for _, row := range rows {
		if row.ExternalID != "" {
			out = append(out, row)
			continue
		}
		key := strings.ToLower(row.Email)
		if i, ok := first[key]; ok {
			applyColumns(&out[i], row, cols)
			continue
		}
		first[key] = len(out)
		out = append(out, row)
	}
	return out
}

// upsertContacts writes the rows and returns the ids of the contacts added
// and of those changed.
func upsertContacts(ctx context.Context, tx pgx.Tx, rows []engine.Contact, cols []string) (created, updated []int64, err error) {
	owners, companies := make([]string, 0, len(rows)), make([]string, 0, len(rows))
	for _, r := range rows {
		owners, companies = append(owners, r.Owner), append(companies, r.Company)
	}
	if err := ensureReps(ctx, tx, owners); err != nil {
		return nil, nil, err
	}
	if err := ensureCompanies(ctx, tx, companies); err != nil {
		return nil, nil, err
	}
	existing, err := matchContacts(ctx, tx, rows)
	if err != nil {
		return nil, nil, err
	}
	var inserts, updates []*engine.Contact
	changed := map[int64]bool{}
	for i := range rows {
		old := existing[i]
		if old == nil {
			inserts = append(inserts, &rows[i])
			continue
		}
		c := *old
		c.Custom = maps.Clone(old.Custom)
		applyColumns(&c, rows[i], cols)
		if !sameContact(*old, c) {
			*old = c // a later row matching the same contact starts from here
			updates = append(updates, old)
			if !changed[c.ID] {
				changed[c.ID] = true
				updated = append(updated, c.ID)
			}
		}
	}
	if err := sendContacts(ctx, tx, inserts, insertContactSQL); err != nil {
		return nil, nil, err
	}
	if err := sendContacts(ctx, tx, updates, updateContactSQL); err != nil {
		return nil, nil, err
	}
	for _, c := range inserts {
		created = append(created, c.ID)
	}
	return created, updated, nil
}

// ensureReps creates the reps named (by username) that do not exist yet.
func ensureReps(ctx context.Context, q querier, usernames []string) error {
	_, err := q.Exec(ctx, `INSERT INTO reps (username)
		SELECT DISTINCT u FROM unnest($1::text[]) u WHERE u <> ''
		ON CONFLICT (username) DO NOTHING`, usernames)
	if err != nil {
		return fmt.Errorf("create owner reps: %w", err)
	}
	return nil
}

// matchContacts finds, for each row, the contact it updates (nil for a new
// one): by external_id when the row has one, else the oldest with its email.
func matchContacts(ctx context.Context, tx pgx.Tx, rows []engine.Contact) ([]*engine.Contact, error) {
	var ids, emails []string
	for _, r := range rows {
		if r.ExternalID != "" {
			ids = append(ids, r.ExternalID)
		} else {
			emails = append(emails, strings.ToLower(r.Email))
		}
	}
	found, err := tx.Query(ctx, `SELECT `+postgres.ContactColumns+postgres.ContactsFrom+`
		WHERE c.external_id = ANY($1) OR lower(c.email) = ANY($2) ORDER BY c.id`, ids, emails)
	if err != nil {
		return nil, fmt.Errorf("match contacts: %w", err)
	}
	cs, err := pgx.CollectRows(found, func(r pgx.CollectableRow) (engine.Contact, error) { return postgres.ScanContact(r) })
	if err != nil {
		return nil, fmt.Errorf("match contacts: %w", err)
	}
	byID, byEmail := map[string]*engine.Contact{}, map[string]*engine.Contact{}
	for i := range cs {
		c := &cs[i]
		if c.ExternalID != "" {
			byID[c.ExternalID] = c
		}
		if key := strings.ToLower(c.Email); key != "" && byEmail[key] == nil {
			byEmail[key] = c
		}
	}
	out := make([]*engine.Contact, len(rows))
	for i, r := range rows {
		if r.ExternalID != "" {
			out[i] = byID[r.ExternalID]
		} else {
			out[i] = byEmail[strings.ToLower(r.Email)]
		}
	}
	return out, nil
}

const (
	insertContactSQL = `INSERT INTO contacts (` + contactTargets + `) VALUES (` + contactValues + `) RETURNING id`
	updateContactSQL = `UPDATE contacts SET (` + contactTargets + `, updated_at) = (` + contactValues + `, now())
		WHERE id = $21 RETURNING id`
)

// sendContacts runs insertContactSQL or updateContactSQL for each contact,
// batchSize rows a round trip, and sets the ids of inserted ones.
func sendContacts(ctx context.Context, tx pgx.Tx, cs []*engine.Contact, sql string) error {
	for chunk := range slices.Chunk(cs, batchSize) {
		b := &pgx.Batch{}
		for _, c := range chunk {
			args := contactArgs(c)
			if sql == updateContactSQL {
				args = append(args, c.ID)
			}
			b.Queue(sql, args...).QueryRow(func(row pgx.Row) error { return row.Scan(&c.ID) })
		}
		err := tx.SendBatch(ctx, b).Close()
		if postgres.UniqueViolation(err, "contacts_external_id_key") {
			return fmt.Errorf("an external_id of the file was taken meanwhile: %w", engine.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("write %d contacts: %w", len(chunk), err)
		}
	}
	return nil
}
