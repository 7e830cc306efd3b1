package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestImportsStreamInBatches imports files several batches long: the counts,
// the bad rows and the enrollments come out as from one batch.
func TestImportsStreamInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := crmSetup(t, func(o *crm.Options) { o.ImportBatch = 3 })
	contacts := "external_id,email,first_name,owner\n" +
		"c-1,a1@example.com,A,alice\n" +
		"c-2,a2@example.com,B,bob\n" +
		"c-3,not-an-address,C,\n" + // line 4: bad
		"c-4,a4@example.com,D,\n" +
		"c-2,again@example.com,E,\n" + // line 6: external_id used on line 3
		",a6@example.com,F,carol\n" +
		",a6@example.com,G,carol\n" + // the same contact as line 7 (same batch)
		"c-8,a8@example.com,H,\n"
	res, err := store.Import(ctx, crm.System, "c.csv", strings.NewReader(contacts))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 5 || res.Updated != 0 || res.Enrolled != 5 || res.Events != 5 || len(res.Errors) != 2 {
		t.Errorf("import = %+v, want 5 created and enrolled, 2 bad rows", res)
	}
	if got := fmt.Sprint(res.Errors); !strings.Contains(got, "c.csv:4: ") || !strings.Contains(got, "c.csv:6: ") {
		t.Errorf("errors = %s, want lines 4 and 6", got)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM reps WHERE username IN ('alice', 'bob', 'carol')`); n != 3 {
		t.Errorf("%d owners created, want 3", n)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM contacts WHERE email = 'a6@example.com' AND first_name = 'G'`); n != 1 {
		t.Errorf("%d contacts a6 named G, want the one, last row winning", n)
	}
	events := "contact,event,at,track\n" +
		"c-1,manual,2026-03-02T17:00:00Z,welcome\n" +
		"c-9,manual,2026-03-02T17:00:00Z,welcome\n" + // line 3: unknown contact
		"c-1,manual,2026-03-02T17:00:00Z,welcome\n" + // the same event again
		"a2@example.com,manual,2026-03-02T17:00:00Z,nope\n" + // line 5: unknown track
		"c-4,opportunity.lost,2026-03-02T17:00:00Z,\n"
	res, err = store.ImportEvents(ctx, crm.System, "e.csv", strings.NewReader(events))
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != 3 || len(res.Errors) != 2 {
		t.Errorf("events import = %+v, want 3 events and 2 bad rows", res)
	}
	if got := fmt.Sprint(res.Errors); !strings.HasPrefix(got, "[e.csv:3: ") || !strings.Contains(got, "e.csv:5: ") {
		t.Errorf("errors = %s, want lines 3 and 5 in order", got)
	}
}

// failOn is the engine, except that it fails with err each batch of events
// naming a contact with one of the emails, left times (always when left is
// negative).
type failOn struct {
	crm.EventSink
	emails map[string]bool
	err    error
	mu     sync.Mutex
	left   int
}

func (s *failOn) HandleEventsIn(ctx context.Context, tx engine.Tx, evs []engine.Event) ([]engine.EventOutcome, error) {
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ContactID
	}
	cs, err := tx.ContactsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if s.emails[c.Email] && s.fail() {
			return nil, s.err
		}
	}
	return s.EventSink.HandleEventsIn(ctx, tx, evs)
}

// fail reports whether to fail this time.
func (s *failOn) fail() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.left == 0 {
		return false
	}
	s.left--
	return true
}

// importFive imports p0@ … p4@example.com in batches of 2 with the sink
// failing the second batch (p2, p3) as fail says, and returns what it did
// with the contacts and enrollments stored.
func importFive(t *testing.T, fail *failOn) (res crm.ImportResult, contacts, enrollments int, err error) {
	t.Helper()
	store, pool := crmSetup(t, func(o *crm.Options) {
		o.ImportBatch = 2
		fail.EventSink, fail.emails = o.Sink, map[string]bool{"p2@example.com": true}
		o.Sink = fail
	})
	var sb strings.Builder
	sb.WriteString("email\n")
	for i := range 5 {
		fmt.Fprintf(&sb, "p%d@example.com\n", i)
	}
	res, err = store.Import(context.Background(), crm.System, "c.csv", strings.NewReader(sb.String()))
	return res, countRows(t, pool, `SELECT count(*) FROM contacts`), countRows(t, pool, `SELECT count(*) FROM enrollments`), err
}

// TestImportKeepsBatchesBeforeAFailure: a batch whose events fail writes
// none of its rows, nor does the batch after it, written beside it; the
// import stops there with the earlier batches in.
func TestImportKeepsBatchesBeforeAFailure(t *testing.T) {
	t.Parallel()
	res, contacts, enrollments, err := importFive(t, &failOn{err: errors.New("connection lost"), left: -1})
	if err == nil || !strings.Contains(err.Error(), "connection lost") {
		t.Fatalf("import = %+v, %v; want the sink's failure", res, err)
	}
	if res.Created != 2 || contacts != 2 || enrollments != 2 {
		t.Errorf("import = %+v with %d contacts and %d enrollments stored, want the first batch's 2", res, contacts, enrollments)
	}
}

// TestImportWritesAgainAfterADeadlock: a batch failing for a reason that may
// pass is written once more, with the batch after it that rolled back.
func TestImportWritesAgainAfterADeadlock(t *testing.T) {
	t.Parallel()
	deadlock := &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}
	res, contacts, enrollments, err := importFive(t, &failOn{err: deadlock, left: 1})
	if err != nil || res.Created != 5 || res.Enrolled != 5 || contacts != 5 || enrollments != 5 {
		t.Errorf("import = %+v, %v with %d contacts and %d enrollments stored, want all 5 once", res, err, contacts, enrollments)
	}
	res, contacts, _, err = importFive(t, &failOn{err: deadlock, left: 2})
	if !errors.Is(err, engine.ErrTransient) || res.Created != 2 || contacts != 2 {
		t.Errorf("import = %+v, %v with %d contacts, want the deadlock again, once only, after the first batch", res, err, contacts)
	}
}

// hookedFind is the CRM's store telling when FindContacts is asked for an
// email.
type hookedFind struct {
	crm.Store
	email  string
	asked  chan struct{}
	closer sync.Once
}

func (s *hookedFind) FindContacts(ctx context.Context, externalIDs, emails []string) ([]engine.Contact, error) {
	if slices.Contains(emails, s.email) {
		s.closer.Do(func() { close(s.asked) })
	}
	return s.Store.FindContacts(ctx, externalIDs, emails)
}

// holdEvents is the engine holding a batch of contact.updated events until
// released is closed.
type holdEvents struct {
	crm.EventSink
	released <-chan struct{}
}

func (s *holdEvents) HandleEventsIn(ctx context.Context, tx engine.Tx, evs []engine.Event) ([]engine.EventOutcome, error) {
	if len(evs) > 0 && evs[0].Name == tracks.EventContactUpdated {
		select {
		case <-s.released:
		case <-time.After(time.Minute):
			return nil, errors.New("the next batch never looked its contacts up while this one was open")
		}
	}
	return s.EventSink.HandleEventsIn(ctx, tx, evs)
}

// TestImportBatchSeesChangesBeforeIt: the batch after one changing a
// contact's email, looking that contact up while the change is not
// committed yet, looks again once it is: it does not find the contact by
// its old email (and so adds a new one), as when the file is imported a
// batch at a time.
func TestImportBatchSeesChangesBeforeIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	find := &hookedFind{email: "old@example.com", asked: make(chan struct{})}
	store, pool, _ := crmSetupStore(t, func(s crm.Store) crm.Store { find.Store = s; return find }, func(o *crm.Options) {
		o.ImportBatch = 1
		o.Sink = &holdEvents{EventSink: o.Sink, released: find.asked}
	})
	if _, err := store.Import(ctx, crm.System, "a.csv", strings.NewReader("external_id,email,first_name\nk-1,OLD@example.com,Zed\n")); err != nil {
		t.Fatal(err)
	}
	file := "external_id,email,first_name\n" +
		"k-1,new@example.com,Ann\n" + // batch 1 moves k-1 from old@ to new@: held until batch 2 looked up old@
		",old@example.com,Bob\n" // batch 2: nobody has old@ any more
	res, err := store.Import(ctx, crm.System, "b.csv", strings.NewReader(file))
	if err != nil || res.Created != 1 || res.Updated != 1 {
		t.Fatalf("import = %+v, %v; want k-1 updated and Bob added", res, err)
	}
	got := fmt.Sprint(strings.Join(contactNames(t, pool), "; "))
	if want := "k-1 new@example.com Ann; - old@example.com Bob"; got != want {
		t.Errorf("contacts = %s, want %s", got, want)
	}
}

// contactNames lists every contact as "external_id email first_name", by id.
func contactNames(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	return queryColumn[string](t, pool, `SELECT coalesce(external_id, '-') || ' ' || email || ' ' || first_name FROM contacts ORDER BY id`)
}

// TestImportBatchAfterOneAddingItsContact: a contact added by one batch and
// changed by the next, written beside it, is one contact, changed.
func TestImportBatchAfterOneAddingItsContact(t *testing.T) {
	t.Parallel()
	store, pool := crmSetup(t, func(o *crm.Options) { o.ImportBatch = 300 })
	var sb strings.Builder
	sb.WriteString("email,first_name\n")
	for i := range 300 { // batch 1, the last row adding n1@
		fmt.Fprintf(&sb, "n%d@example.com,First\n", 300-i)
	}
	sb.WriteString("N1@example.com,Second\n") // batch 2
	res, err := store.Import(context.Background(), crm.System, "c.csv", strings.NewReader(sb.String()))
	if err != nil || res.Created != 300 || res.Updated != 1 {
		t.Fatalf("import = %+v, %v; want 300 added, n1@ changed", res, err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM contacts WHERE lower(email) = 'n1@example.com'`); n != 1 {
		t.Errorf("%d contacts n1@, want 1", n)
	}
}

// TestImportEventsCapsItsErrors: however many rows name no contact, the
// list stops at csvio.MaxErrors and one more error counts the rest.
func TestImportEventsCapsItsErrors(t *testing.T) {
	t.Parallel()
	store, _ := crmSetup(t, func(o *crm.Options) { o.ImportBatch = 50 })
	var sb strings.Builder
	sb.WriteString("contact,event,at\n")
	for i := range 450 {
		if i == 7 {
			sb.WriteString("x,no.such.event,2026-03-02T17:00:00Z\n") // a parse error among them
		}
		fmt.Fprintf(&sb, "nobody-%d,opportunity.lost,2026-03-02T17:00:00Z\n", i)
	}
	res, err := store.ImportEvents(context.Background(), crm.System, "e.csv", strings.NewReader(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != csvio.MaxErrors+1 || csvio.Count(res.Errors) != 451 {
		t.Fatalf("%d errors counting %d, want %d counting 451", len(res.Errors), csvio.Count(res.Errors), csvio.MaxErrors+1)
	}
	if got := res.Errors[7].Error(); !strings.HasPrefix(got, "e.csv:9: ") || !strings.Contains(got, "no.such.event") {
		t.Errorf("8th error = %s, want the bad event on line 9", got)
	}
	if got := res.Errors[csvio.MaxErrors].Error(); !strings.HasPrefix(got, "e.csv:452: … and 351 more") {
		t.Errorf("last error = %s, want it to count the 351 others up to line 452", got)
	}
}

// TestImportOnASmallPool: an import needs no more connections than its two
// batches hold, even when the engine reads a track version it has not seen
// (contacts enrolled on a version before the daemon restarted with a
// changed track): it reads it in the batch's transaction, not on a third
// connection the pool of two does not have while the other batch waits for
// this one. The deadline only stops a hang.
func TestImportOnASmallPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	set, err := templates.Default()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewVirtual(time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC))
	service := func(conns int32, dir string) *crm.Service {
		cfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		cfg.MaxConns = conns
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		lib, err := tracks.LoadDir(dir, tracks.Options{})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := engine.New(engine.Config{Store: postgres.New(pool), Clock: clk, Library: lib, Templates: set})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.LoadLibrary(ctx); err != nil {
			t.Fatal(err)
		}
		s, err := crm.New(postgres.NewCRM(pool), crm.Options{Sink: eng, Clock: clk, Library: lib, ImportBatch: 1})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := service(4, "testdata/tracks").Import(ctx, crm.System, "a.csv", strings.NewReader("email,first_name\na@example.com,A\nb@example.com,B\n")); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/tracks/welcome.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "welcome.yaml"), []byte(strings.Replace(string(src), "Test track,", "Test track (v2),", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	res, err := service(2, dir).Import(ctx, crm.System, "b.csv", strings.NewReader("email,first_name\na@example.com,A2\nb@example.com,B2\n"))
	if err != nil || res.Updated != 2 {
		t.Fatalf("import = %+v, %v; want 2 updated", res, err)
	}
}

// editAfterFind is the CRM's store with someone editing the contacts right
// after an import looked them up.
type editAfterFind struct {
	crm.Store
	edit func(context.Context) error
}

func (s *editAfterFind) FindContacts(ctx context.Context, externalIDs, emails []string) ([]engine.Contact, error) {
	cs, err := s.Store.FindContacts(ctx, externalIDs, emails)
	if err == nil {
		err = s.edit(ctx)
	}
	return cs, err
}

// TestImportKeepsAnEditMadeMeanwhile: a contact edited between the import's
// lookup and its write keeps the edit in the columns the file does not have.
func TestImportKeepsAnEditMadeMeanwhile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	edit := &editAfterFind{edit: func(context.Context) error { return nil }}
	store, pool, _ := crmSetupStore(t, func(s crm.Store) crm.Store { edit.Store = s; return edit })
	if _, err := store.Import(ctx, crm.System, "a.csv", strings.NewReader("external_id,email,first_name\nk-1,a@example.com,Ann\n")); err != nil {
		t.Fatal(err)
	}
	edit.edit = func(ctx context.Context) error {
		_, err := pool.Exec(ctx, `UPDATE contacts SET phone = '555-0100' WHERE external_id = 'k-1'`)
		return err
	}
	res, err := store.Import(ctx, crm.System, "b.csv", strings.NewReader("external_id,first_name\nk-1,Anna\n"))
	if err != nil || res.Updated != 1 {
		t.Fatalf("import = %+v, %v; want k-1 updated", res, err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM contacts WHERE first_name = 'Anna' AND phone = '555-0100'`); n != 1 {
		t.Error("the phone set between the import's lookup and its write was lost")
	}
}

// panicSink is the engine panicking on a batch of events.
type panicSink struct{ crm.EventSink }

func (panicSink) HandleEventsIn(context.Context, engine.Tx, []engine.Event) ([]engine.EventOutcome, error) {
	panic("engine bug")
}

// TestImportBatchPanicFailsTheImport: a panic while a batch is written
// fails the import with it, and does not take the process down.
func TestImportBatchPanicFailsTheImport(t *testing.T) {
	t.Parallel()
	store, pool := crmSetup(t, func(o *crm.Options) { o.Sink = panicSink{o.Sink} })
	_, err := store.Import(context.Background(), crm.System, "c.csv", strings.NewReader("email\np@example.com\n"))
	if err == nil || !strings.Contains(err.Error(), "panic: engine bug") {
		t.Fatalf("import = %v, want the panic as its error", err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM contacts`); n != 0 {
		t.Errorf("%d contacts stored by a batch that panicked", n)
	}
}
