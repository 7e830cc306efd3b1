package crm

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// importDepth is how many batches of a contacts import are at the store at
// once: one writing its contacts while the one before it hands its events
// to the engine and commits. On one batch at a time, the server's CPU waited
// for the import's and the other way round.
const importDepth = 2

// errEarlierBatch rolls a batch back because the batch before it failed.
var errEarlierBatch = errors.New("an earlier batch failed")

// contactImport is one contacts import under way. Only the goroutine reading
// the file touches its fields; each batch is written by a goroutine of its
// own.
type contactImport struct {
	s       *Service
	key     int32    // the import's turns' key (Writer.TakeTurn)
	cols    []string // the file's header
	rows    []engine.Contact
	turns   int32           // the batches started so far
	writing []*contactBatch // the batches at the store, in file order
	res     ImportResult    // what the committed batches did
	err     error           // the failure that stopped it
}

// contactBatch is one batch of a contacts import on its way to the store.
type contactBatch struct {
	turn    int32 // its turn (Writer.TakeTurn), in file order
	rows    []engine.Contact
	keys    map[string]bool // what finds its contacts: "x" + external_id, "e" + lower-case email
	wrote   chan struct{}   // closed once its contacts are written, or it ended without
	done    chan struct{}   // closed once its transaction ended
	changed map[int64]bool  // the existing contacts it updated; set before wrote closes
	res     ImportResult    // set before done closes
	err     error           // set before done closes
}

// newBatch makes the next batch of rows.
func (imp *contactImport) newBatch(rows []engine.Contact) *contactBatch {
	imp.turns++
	b := &contactBatch{turn: imp.turns, rows: rows, keys: make(map[string]bool, 2*len(rows)),
		wrote: make(chan struct{}), done: make(chan struct{})}
	for _, r := range rows {
		if r.ExternalID != "" {
			b.keys["x"+r.ExternalID] = true
		}
		if r.Email != "" {
			b.keys["e"+strings.ToLower(r.Email)] = true
		}
	}
	return b
}

// flush sends the rows read so far to the store as a batch, once fewer than
// importDepth batches are there.
func (imp *contactImport) flush(ctx context.Context) {
	if len(imp.rows) == 0 {
		return
	}
	b := imp.newBatch(mergeByEmail(imp.rows, imp.cols))
	imp.rows = imp.rows[:0]
	for len(imp.writing) == importDepth && imp.err == nil {
		imp.collect(ctx)
	}
	if imp.err != nil {
		return
	}
	var prev *contactBatch
	if n := len(imp.writing); n > 0 {
		prev = imp.writing[n-1]
	}
	imp.writing = append(imp.writing, b)
	go imp.write(ctx, b, prev)
}

// collect waits for the oldest batch at the store and counts it in. A batch
// that failed stops the import with the batches after it, which roll back,
// unless it failed for a reason that may pass (engine.ErrTransient): then it
// and those after it are written again, once, one at a time.
func (imp *contactImport) collect(ctx context.Context) {
	b := imp.writing[0]
	<-b.done
	if b.err == nil {
		imp.res.add(b.res)
		imp.writing = imp.writing[1:]
		return
	}
	again := imp.writing
	imp.writing = nil
	for _, later := range again[1:] {
		<-later.done
	}
	if !errors.Is(b.err, engine.ErrTransient) {
		imp.err = b.err
		return
	}
	imp.s.log.Warn("import batch written again", "error", b.err)
	for _, old := range again {
		nb := imp.newBatch(old.rows)
		imp.write(ctx, nb, nil)
		if nb.err != nil {
			imp.err = nb.err
			return
		}
		imp.res.add(nb.res)
	}
}

// write writes batch b in one transaction while prev, the batch before it
// (nil when none is at the store), may still be writing. The two are kept
// from seeing or disturbing each other's rows:
//
//   - b starts only after prev ended when a contact could be found by both
//     (a shared external_id or email), since b must see what prev writes;
//   - b matches its rows to contacts before its transaction, then waits for
//     prev to have written its contacts, and matches again after prev ended
//     if prev changed one of b's contacts; in its transaction it locks the
//     contacts it matched and reads them again (lockMatched);
//   - b writes only after prev wrote its contacts, reps and companies, so
//     prev never waits for a row of b's, and b commits only after prev
//     committed, waiting for it through the store (Writer.AwaitTurn), so
//     that a wait the reasoning above missed is a deadlock the server
//     breaks rather than a hang; collect writes the loser again.
//
// So the batches commit in file order, and each finds what the batches
// before it wrote.
func (imp *contactImport) write(ctx context.Context, b, prev *contactBatch) {
	wrote := sync.OnceFunc(func() { close(b.wrote) })
	defer close(b.done)
	defer wrote()
	defer func() {
		if r := recover(); r != nil { // the import fails, not the daemon
			b.err = fmt.Errorf("import batch %d: panic: %v", b.turn, r)
			imp.s.log.Error("import batch panicked", "batch", b.turn, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	b.err = imp.writeBatch(ctx, b, prev, wrote)
}

func (imp *contactImport) writeBatch(ctx context.Context, b, prev *contactBatch, wrote func()) error {
	if prev != nil && prev.sharesKeys(b) {
		if err := prev.wait(); err != nil {
			return err
		}
		prev = nil
	}
	existing, err := matchContacts(ctx, imp.s.store, b.rows)
	if err != nil {
		return err
	}
	if prev != nil {
		<-prev.wrote
		if prev.changedAny(existing) {
			if err := prev.wait(); err != nil {
				return err
			}
			prev = nil
			if existing, err = matchContacts(ctx, imp.s.store, b.rows); err != nil {
				return err
			}
		}
	}
	return imp.s.store.Tx(ctx, func(tx Tx) error {
		if err := tx.TakeTurn(ctx, imp.key, b.turn); err != nil {
			return err
		}
		if err := lockMatched(ctx, tx, existing); err != nil {
			return err
		}
		var out ImportResult
		created, updated, err := upsertContacts(ctx, tx, b.rows, existing, imp.cols)
		if err != nil {
			return err
		}
		b.changed = make(map[int64]bool, len(updated))
		for _, id := range updated {
			b.changed[id] = true
		}
		wrote()
		out.Created, out.Updated = len(created), len(updated)
		out.Unchanged = len(b.rows) - out.Created - out.Updated
		evs := make([]engine.Event, 0, len(created)+len(updated))
		for _, id := range created {
			evs = append(evs, engine.Event{ContactID: id, Name: tracks.EventContactCreated})
		}
		for _, id := range updated {
			evs = append(evs, engine.Event{ContactID: id, Name: tracks.EventContactUpdated})
		}
		if err := imp.s.handOver(ctx, tx, evs, &out); err != nil {
			return err
		}
		if prev != nil {
			if err := tx.AwaitTurn(ctx, imp.key, prev.turn); err != nil {
				return err
			}
			if err := prev.wait(); err != nil {
				return err
			}
		}
		b.res = out
		return nil
	})
}

// lockMatched locks the contacts the rows matched (before the transaction)
// and reads them again, so that the batch changes what they hold now: a
// change made since (through the API, say) to a column the file does not
// have stays. existing is changed in place.
func lockMatched(ctx context.Context, tx Tx, existing []*engine.Contact) error {
	var ids []int64
	for _, c := range existing {
		if c != nil {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	now, err := tx.LockContacts(ctx, ids)
	if err != nil {
		return err
	}
	for _, c := range existing {
		if c == nil {
			continue
		}
		fresh, ok := now[c.ID]
		if !ok {
			return fmt.Errorf("contact %d was deleted while the file was imported: %w", c.ID, engine.ErrConflict)
		}
		*c = fresh // rows matching one contact share it
	}
	return nil
}

// wait waits for batch b to end: errEarlierBatch when it failed.
func (b *contactBatch) wait() error {
	<-b.done
	if b.err != nil {
		return errEarlierBatch
	}
	return nil
}

// sharesKeys reports whether a contact could be found both by batch b's
// rows and by o's.
func (b *contactBatch) sharesKeys(o *contactBatch) bool {
	small, large := b.keys, o.keys
	if len(small) > len(large) {
		small, large = large, small
	}
	for k := range small {
		if large[k] {
			return true
		}
	}
	return false
}

// changedAny reports whether batch b updated one of the contacts; call it
// once b.wrote is closed.
func (b *contactBatch) changedAny(cs []*engine.Contact) bool {
	for _, c := range cs {
		if c != nil && b.changed[c.ID] {
			return true
		}
	}
	return false
}
