package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/csvio"
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

// failAfter is the engine until it has taken n batches of events, then it
// fails.
type failAfter struct {
	crm.EventSink
	n int
}

func (s *failAfter) HandleEventsIn(ctx context.Context, tx engine.Tx, evs []engine.Event) ([]engine.EventOutcome, error) {
	if s.n == 0 {
		return nil, errors.New("connection lost")
	}
	s.n--
	return s.EventSink.HandleEventsIn(ctx, tx, evs)
}

// TestImportKeepsBatchesBeforeAFailure: a batch whose events fail writes
// none of its rows, and the import stops there with the earlier batches in.
func TestImportKeepsBatchesBeforeAFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var sink *failAfter
	store, pool := crmSetup(t, func(o *crm.Options) {
		o.ImportBatch = 2
		sink = &failAfter{EventSink: o.Sink, n: 1}
		o.Sink = sink
	})
	var sb strings.Builder
	sb.WriteString("email\n")
	for i := range 5 {
		fmt.Fprintf(&sb, "p%d@example.com\n", i)
	}
	res, err := store.Import(ctx, crm.System, "c.csv", strings.NewReader(sb.String()))
	if err == nil || !strings.Contains(err.Error(), "connection lost") {
		t.Fatalf("import = %+v, %v; want the sink's failure", res, err)
	}
	if res.Created != 2 {
		t.Errorf("import = %+v, want the first batch's 2 contacts counted", res)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM contacts`); n != 2 {
		t.Errorf("%d contacts stored, want the first batch's 2", n)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM enrollments`); n != 2 {
		t.Errorf("%d enrollments, want the first batch's 2", n)
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
