package crm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/fieldcheck"
)

// Import reads a contacts CSV (the format DESIGN.md fixes) and upserts its
// good rows: a row with an external_id updates the contact with it, a row
// without one the oldest contact with its email; otherwise it adds a
// contact. On an update only the file's columns change, and a blank cell
// clears its field (a blank status means prospect). Owners are reps'
// usernames, created when unknown.
//
// The file streams: rows are written a batch (Options.ImportBatch) at a
// time, each batch in one transaction with the events it causes, every new
// contact's contact.created and every changed one's contact.updated, handed
// to the sink together (EventSink.HandleEventsIn). Memory stays that of a
// few batches whatever the file's size. A batch sees the contacts the
// batches before it wrote, as if the file were imported in pieces; within a
// batch, rows repeating an email without an external_id are one contact, the
// last row winning. Two batches are at the store at once (see
// contactImport.write), committing in file order. When a batch fails, the
// batches before it stay in and the error is returned with their counts; a
// batch that failed for a reason that may pass (a deadlock, a dropped
// connection) is first written once more; when the connection dropped at
// its COMMIT, which may have gone through, the rows it wrote count as
// unchanged the second time. Only admins, managers and the system import.
func (s *Service) Import(ctx context.Context, a Actor, file string, r io.Reader) (ImportResult, error) {
	if err := Allow(a, ImportFiles); err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", file, err)
	}
	imp := &contactImport{s: s, key: rand.Int32()}
	_, errs := csvio.ReadContacts(file, stopReader{r, &imp.err}, func(_ int, c engine.Contact, header []string) {
		if imp.cols == nil {
			imp.cols = header // the same for every row; set before any batch is written
		}
		if imp.err != nil {
			return
		}
		imp.rows = append(imp.rows, c)
		if len(imp.rows) == s.batch {
			imp.flush(ctx)
		}
	})
	if imp.err == nil {
		imp.flush(ctx)
	}
	for len(imp.writing) > 0 {
		imp.collect(ctx)
	}
	res := imp.res
	if imp.err != nil {
		return res, fmt.Errorf("import %s: %w", file, imp.err)
	}
	res.Errors = errs
	s.log.Info("contacts imported", "file", file, "created", res.Created, "updated", res.Updated,
		"unchanged", res.Unchanged, "bad_rows", csvio.Count(res.Errors))
	return res, nil
}

// stopReader reads r until *err is set, then fails with it, so the CSV
// reader stops once a batch failed.
type stopReader struct {
	r   io.Reader
	err *error
}

func (s stopReader) Read(p []byte) (int, error) {
	if *s.err != nil {
		return 0, *s.err
	}
	return s.r.Read(p)
}

// handOver hands a batch's events to the sink inside its transaction and
// counts what they did. An event refused alone is a failure here: the
// import has just written the contact it names.
func (s *Service) handOver(ctx context.Context, tx Tx, evs []engine.Event, out *ImportResult) error {
	outs, err := s.sink.HandleEventsIn(ctx, tx.Engine(), evs)
	if err != nil {
		return err
	}
	for _, o := range outs {
		if o.Refused != nil {
			return o.Refused
		}
		out.count(o.EventResult)
	}
	return nil
}

// applyColumns copies the file's columns of row onto c. The external_id that
// matched is kept; other columns are custom fields, removed when blank.
func applyColumns(c *engine.Contact, row engine.Contact, cols []string) {
	for _, col := range cols {
		if field := fieldcheck.TextField(c, col); field != nil {
			if col != "external_id" {
				*field = *fieldcheck.TextField(&row, col)
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

// upsertContacts writes the rows, given the contact each updates (nil for a
// new one, see matchContacts), and returns the ids of the contacts added and
// of those changed.
func upsertContacts(ctx context.Context, tx Tx, rows []engine.Contact, existing []*engine.Contact, cols []string) (created, updated []int64, err error) {
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
			if !changed[c.ID] {
				changed[c.ID] = true
				updates = append(updates, old)
			}
		}
	}
	if err := tx.CreateContacts(ctx, inserts); err != nil {
		return nil, nil, takenMeanwhile(err)
	}
	if err := tx.UpdateContacts(ctx, updates); err != nil {
		return nil, nil, takenMeanwhile(err)
	}
	for _, c := range inserts {
		created = append(created, c.ID)
	}
	for _, c := range updates {
		updated = append(updated, c.ID)
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
func matchContacts(ctx context.Context, r Reader, rows []engine.Contact) ([]*engine.Contact, error) {
	var ids, emails []string
	for _, r := range rows {
		if r.ExternalID != "" {
			ids = append(ids, r.ExternalID)
		} else {
			emails = append(emails, strings.ToLower(r.Email))
		}
	}
	cs, err := r.FindContacts(ctx, ids, emails)
	if err != nil {
		return nil, fmt.Errorf("match contacts: %w", err)
	}
	byID, byEmail := map[string]*engine.Contact{}, map[string]*engine.Contact{}
	for i := range cs {
		c := &cs[i]
		if c.ExternalID != "" {
			byID[c.ExternalID] = c
		}
		if key := strings.ToLower(strings.TrimSpace(c.Email)); key != "" && byEmail[key] == nil {
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
