package crm

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/tracks"
)

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
// when ctx is canceled meanwhile. Only admins, managers and the system import.
func (s *Service) Import(ctx context.Context, a Actor, file string, r io.Reader) (ImportResult, error) {
	if err := Allow(a, ImportFiles); err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", file, err)
	}
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
	err = s.store.Tx(ctx, func(tx Tx) error {
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
func upsertContacts(ctx context.Context, tx Tx, rows []engine.Contact, cols []string) (created, updated []int64, err error) {
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
	if err := tx.CreateContacts(ctx, inserts); err != nil {
		return nil, nil, takenMeanwhile(err)
	}
	if err := tx.UpdateContacts(ctx, updates); err != nil {
		return nil, nil, takenMeanwhile(err)
	}
	if _, err := tx.RefileLetters(ctx, updated); err != nil {
		return nil, nil, err
	}
	for _, c := range inserts {
		created = append(created, c.ID)
	}
	return created, updated, nil
}

// takenMeanwhile explains a conflict while writing an import's rows: they
// were matched by external_id, so another writer took one since.
func takenMeanwhile(err error) error {
	if errors.Is(err, engine.ErrConflict) {
		return fmt.Errorf("an external_id of the file was taken meanwhile: %w", engine.ErrConflict)
	}
	return err
}

// matchContacts finds, for each row, the contact it updates (nil for a new
// one): by external_id when the row has one, else the oldest with its email.
func matchContacts(ctx context.Context, tx Tx, rows []engine.Contact) ([]*engine.Contact, error) {
	var ids, emails []string
	for _, r := range rows {
		if r.ExternalID != "" {
			ids = append(ids, r.ExternalID)
		} else {
			emails = append(emails, strings.ToLower(r.Email))
		}
	}
	cs, err := tx.FindContacts(ctx, ids, emails)
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
