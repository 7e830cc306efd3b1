package crm_test

import (
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
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/pdftest"
	"github.com/dripline/dripline/internal/postgres"
)

func TestLetterWaitsOpenUntilPrintedThenCountsPoints(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	ann, bob := p.contact("ann"), p.contact("bob")
	nowhere := p.contact("cy", func(c *engine.Contact) { c.City, c.PostalCode = "", "" })
	p.file(ann, "thanks")
	p.file(bob, "thanks")
	p.file(nowhere, "thanks")
	p.file(ann, "greet")

	if n := p.count(`SELECT count(*) FROM touches WHERE state = 'done'`); n != 4 {
		t.Errorf("%d touches done, want 4: a filed letter's touch is done", n)
	}
	status, completed, _, points := p.activity(bob)
	if status != "open" || completed != nil || points != 0 {
		t.Errorf("waiting letter's activity = %s, completed %v, %d points; want open, none, 0", status, completed, points)
	}
	cs, err := p.letters.List(p.ctx, crm.System)
	if err != nil {
		t.Fatal(err)
	}
	got := crm.KindCounts(cs)
	want := []crm.KindCount{
		{Kind: "birthday", Pending: 1, Oldest: "2026-03-02T17:03:00Z"},
		{Kind: "thank-you-purchase", Pending: 2, Unmailable: 1, Oldest: "2026-03-02T17:00:00Z"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("counts = %+v, want %+v", got, want)
	}

	p.clock.Set(pileStart.Add(24 * time.Hour))
	file := filepath.Join(t.TempDir(), "thanks.pdf")
	b, err := p.letters.Print(p.ctx, crm.Actor{RepID: p.rep.ID, Role: crm.RoleManager}, crm.PrintRequest{Kind: "thank-you-purchase", File: file})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == 0 || b.Letters != 2 || b.Pages != 5 || b.File != file || b.PrintedBy != "" && b.PrintedBy != "jsmith" {
		t.Errorf("batch = %+v, want 2 letters, 5 pages, %s", b, file)
	}
	// Two one-page letters, two envelopes, one label sheet.
	if n := pdftest.Pages(t, file); n != 5 {
		t.Errorf("%s has %d pages, want 5", file, n)
	}
	if text := pdftest.Text(t, file); !strings.Contains(text, "Pat ANN") || !strings.Contains(text, "Pat BOB") || strings.Contains(text, "Pat CY") {
		t.Errorf("%s reads %q; want the letters of ann and bob alone", file, text)
	}
	status, completed, notes, points := p.activity(bob)
	if status != "done" || completed == nil || !completed.Equal(p.clock.Now()) || points != 1 {
		t.Errorf("printed letter's activity = %s, completed %v, %d points; want done at the print, 1 point", status, completed, points)
	}
	if !strings.Contains(notes, "Printed in batch") {
		t.Errorf("printed letter's notes = %q", notes)
	}
	if status, _, notes, _ := p.activity(nowhere); status != "open" || notes != "Unmailable: no city, no postal code" {
		t.Errorf("unmailable letter's activity = %s %q, want open, the reason in its notes", status, notes)
	}

	again := filepath.Join(t.TempDir(), "again.pdf")
	b, err = p.letters.Print(p.ctx, crm.System, crm.PrintRequest{Kind: "thank-you-purchase", File: again})
	if err != nil || b.ID != 0 {
		t.Errorf("second print = %+v, %v; want nothing waiting", b, err)
	}
	if _, err := os.Stat(again); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("nothing to print wrote %s: %v", again, err)
	}
	if n := p.count(`SELECT count(*) FROM letter_batches`); n != 1 {
		t.Errorf("%d batches, want 1", n)
	}
	bs, err := p.letters.Batches(p.ctx, crm.System)
	if err != nil || len(bs) != 1 || bs[0].PrintedBy != "jsmith" || bs[0].Kind != "thank-you-purchase" || bs[0].Pages != 5 {
		t.Errorf("batches = %+v, %v", bs, err)
	}
}

func TestConcurrentPrintsSplitThePile(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	const n = 40
	for i := range n {
		p.file(p.contact("c"+string(rune('a'+i/26))+string(rune('a'+i%26))), "thanks")
	}
	var wg sync.WaitGroup
	batches := make([]engine.LetterBatch, 2)
	errs := make([]error, 2)
	for i := range batches {
		wg.Go(func() {
			batches[i], errs[i] = p.letters.Print(p.ctx, crm.System, crm.PrintRequest{All: true, NoFile: true})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := batches[0].Letters + batches[1].Letters; got != n {
		t.Errorf("the two batches hold %d + %d letters, want %d in all", batches[0].Letters, batches[1].Letters, n)
	}
	for _, b := range batches {
		// One-page letters, an envelope each, a label sheet per 30.
		if want := 2*b.Letters + (b.Letters+29)/30; b.Pages != want {
			t.Errorf("batch of %d letters has %d pages, want %d", b.Letters, b.Pages, want)
		}
	}
	seen := map[string]bool{}
	for _, call := range p.render.calls {
		for _, l := range call {
			if seen[l.To.Name] {
				t.Errorf("%s printed twice", l.To.Name)
			}
			seen[l.To.Name] = true
		}
	}
	if len(seen) != n || p.count(`SELECT count(*) FROM letters WHERE printed_at IS NOT NULL AND batch_id IS NOT NULL`) != n {
		t.Errorf("%d letters rendered, want %d, each printed once", len(seen), n)
	}
	if d := p.count(`SELECT count(*) FROM activities WHERE status = 'done'`); d != n {
		t.Errorf("%d activities done, want %d", d, n)
	}
}

func TestFailedRenderChangesNothing(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	ann := p.contact("ann")
	p.file(ann, "thanks")
	p.render.fail = errors.New("out of paper")
	dir := t.TempDir()
	file := filepath.Join(dir, "x.pdf")
	if _, err := p.letters.Print(p.ctx, crm.System, crm.PrintRequest{All: true, File: file}); err == nil || !strings.Contains(err.Error(), "out of paper") {
		t.Fatalf("print with a failing render = %v, want its error", err)
	}
	if n := p.count(`SELECT count(*) FROM letter_batches`) + p.count(`SELECT count(*) FROM letters WHERE printed_at IS NOT NULL`); n != 0 {
		t.Errorf("a failed print left %d batches and printed letters", n)
	}
	if status, _, _, _ := p.activity(ann); status != "open" {
		t.Errorf("activity %s after a failed print, want open", status)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a failed print left %v", left)
	}
	p.render.fail = nil
	if b, err := p.letters.Print(p.ctx, crm.System, crm.PrintRequest{All: true, File: file}); err != nil || b.Letters != 1 {
		t.Errorf("print after the failure = %+v, %v; want the letter", b, err)
	}
}

func TestPrintBeforeAndReprint(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	old, recent := p.contact("old"), p.contact("new")
	p.file(old, "greet")
	p.clock.Advance(time.Hour)
	p.file(recent, "greet")
	b, err := p.letters.Print(p.ctx, crm.System, crm.PrintRequest{Kind: "birthday", Before: pileStart.Add(time.Hour), NoFile: true})
	if err != nil || b.Letters != 1 || !b.Before.Equal(pileStart.Add(time.Hour)) {
		t.Fatalf("print --before = %+v, %v; want the older letter alone", b, err)
	}
	if status, _, _, _ := p.activity(recent); status != "open" {
		t.Errorf("letter filed after --before is %s, want still waiting", status)
	}

	state := func() string {
		var s string
		if err := p.pool.QueryRow(p.ctx, `SELECT string_agg(concat_ws(' ', l.id, l.batch_id, l.printed_at, a.status, a.completed_at, a.notes), ';' ORDER BY l.id)
			|| (SELECT string_agg(concat_ws(' ', id, count, pages, file), ';') FROM letter_batches)
			FROM letters l JOIN activities a ON a.id = l.activity_id`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := state()
	file := filepath.Join(t.TempDir(), "again.pdf")
	r, err := p.letters.ReprintFile(p.ctx, crm.System, b.ID, file)
	if err != nil || r.ID != b.ID || r.Letters != 1 || r.Pages != 3 {
		t.Fatalf("reprint = %+v, %v", r, err)
	}
	if text := pdftest.Text(t, file); !strings.Contains(text, "Pat OLD") || strings.Contains(text, "Pat NEW") || pdftest.Pages(t, file) != 3 {
		t.Errorf("reprint reads %q, want the batch's letter alone on 3 pages", text)
	}
	if after := state(); after != before {
		t.Errorf("reprint changed the database:\n%s\n%s", before, after)
	}
	if _, err := p.letters.ReprintFile(p.ctx, crm.System, 99, file); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("reprint of an unknown batch = %v, want not found", err)
	}
}

func TestPurgeCancelsActivitiesWithTheReason(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	ann, cy := p.contact("ann"), p.contact("cy", func(c *engine.Contact) { c.Street = "" })
	p.file(ann, "thanks")
	p.file(cy, "thanks")
	p.file(ann, "greet")
	if _, err := p.letters.Purge(p.ctx, crm.System, "thank-you-purchase", " "); err == nil {
		t.Error("purge without a reason succeeded")
	} else if v, ok := crm.AsValidation(err); !ok || v.Field != "reason" {
		t.Errorf("purge without a reason = %v, want a validation error on reason", err)
	}
	n, err := p.letters.Purge(p.ctx, crm.System, "thank-you-purchase", "wrong template text")
	if err != nil || n != 2 {
		t.Fatalf("purge = %d, %v; want both letters, mailable or not", n, err)
	}
	for _, c := range []engine.Contact{ann, cy} {
		var status, notes string
		var completed *time.Time
		if err := p.pool.QueryRow(p.ctx, `SELECT a.status, a.completed_at, a.notes FROM activities a
			JOIN letters l ON l.activity_id = a.id WHERE l.contact_id = $1 AND l.template = 'thank-you-purchase'`, c.ID).
			Scan(&status, &completed, &notes); err != nil {
			t.Fatal(err)
		}
		if status != "canceled" || completed != nil || !strings.HasSuffix(notes, "Purged: wrong template text") {
			t.Errorf("purged letter's activity = %s, %v, %q; want canceled with the reason", status, completed, notes)
		}
	}
	cs, _ := p.letters.List(p.ctx, crm.System)
	if len(cs) != 1 || cs[0].Kind != "birthday" {
		t.Errorf("after purge the pile is %+v, want the birthday letter alone", cs)
	}
	if b, err := p.letters.Print(p.ctx, crm.System, crm.PrintRequest{Kind: "thank-you-purchase", NoFile: true}); err != nil || b.ID != 0 {
		t.Errorf("print after purge = %+v, %v; want nothing", b, err)
	}
}

func TestUnmailableListedAndRefiledOnceTheAddressIsFixed(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	cy := p.contact("cy", func(c *engine.Contact) { c.Street, c.City, c.PostalCode = " ", "", "" })
	p.file(cy, "greet")
	ls, err := p.letters.Unmailable(p.ctx, crm.System, "")
	if err != nil {
		t.Fatal(err)
	}
	got := crm.UnmailableOf(ls)
	if len(got) != 1 || got[0].Contact != "cy" || got[0].Kind != "birthday" || got[0].Reason != "no street, no city, no postal code" {
		t.Fatalf("unmailable = %+v", got)
	}
	if b, err := p.letters.Print(p.ctx, crm.System, crm.PrintRequest{All: true, NoFile: true}); err != nil || b.ID != 0 {
		t.Errorf("print of an unmailable pile = %+v, %v; want nothing", b, err)
	}
	store, err := crm.New(postgres.NewCRM(p.pool), crm.Options{Sink: p.eng, Clock: p.clock})
	if err != nil {
		t.Fatal(err)
	}
	timeline, err := store.Timeline(p.ctx, crm.System, "cy")
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(timeline, func(e crm.TimelineEntry) bool { return e.Activity != nil }); i < 0 ||
		timeline[i].Activity.Status != "open" || timeline[i].Activity.Notes != "Unmailable: no street, no city, no postal code" {
		t.Errorf("the contact's timeline does not show the unmailable letter: %+v", timeline)
	}
	// dee's address is fixed outside the CRM's rules (a database edit): her
	// letter counts as pending all the same and is refiled by the print.
	dee := p.contact("dee", func(c *engine.Contact) { c.PostalCode = "" })
	p.file(dee, "greet")
	if _, err := p.pool.Exec(p.ctx, `UPDATE contacts SET postal_code = '93650' WHERE id = $1`, dee.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpdateContact(p.ctx, crm.System, "cy", crm.ContactFields{
		Street: ptr("9 Elm St"), City: ptr("Albany"), PostalCode: ptr("12207")}); err != nil {
		t.Fatal(err)
	}
	var reason string
	if err := p.pool.QueryRow(p.ctx, `SELECT unmailable FROM letters WHERE contact_id = $1`, cy.ID).Scan(&reason); err != nil || reason != "" {
		t.Errorf("after UpdateContact fixed cy's address her letter's unmailable = %q, %v; want it refiled in that transaction", reason, err)
	}
	before := p.snapshot()
	cs, err := p.letters.List(p.ctx, crm.System)
	if err != nil || len(cs) != 1 || cs[0].Pending != 2 || cs[0].Unmailable != 0 {
		t.Errorf("after the addresses are fixed the pile = %+v, %v; want both letters pending", cs, err)
	}
	if ls, err := p.letters.Unmailable(p.ctx, crm.System, ""); err != nil || len(ls) != 0 {
		t.Errorf("after the address is fixed unmailable = %+v, %v; want none", ls, err)
	}
	if after := p.snapshot(); after != before {
		t.Errorf("listing the pile changed it:\nbefore %s\nafter  %s", before, after)
	}
	b, err := p.letters.Print(p.ctx, crm.System, crm.PrintRequest{All: true, NoFile: true})
	if err != nil || b.Letters != 2 || p.render.calls[0][0].To.City != "Albany" || p.render.calls[0][1].To.PostalCode != "93650" {
		t.Errorf("print = %+v, %v; want both letters with the new addresses", b, err)
	}
	for _, c := range []engine.Contact{cy, dee} {
		if _, _, notes, _ := p.activity(c); !strings.Contains(notes, "\nAddress fixed: back on the pile to print\nPrinted in batch") {
			t.Errorf("%s's refiled letter's activity notes = %q", c.ExternalID, notes)
		}
	}
	_, printed, err := postgres.NewLetters(p.pool).Batch(p.ctx, b.ID)
	if err != nil || len(printed) != 2 || printed[0].To.Street != "9 Elm St" || printed[1].To.PostalCode != "93650" || printed[1].Unmailable != "" {
		t.Errorf("the batch keeps %+v, %v; want the letters with the addresses they were printed with", printed, err)
	}
}

func TestLetterSubject(t *testing.T) {
	t.Parallel()
	for kind, want := range map[string]string{
		"birthday":            "Birthday letter from Summit",
		"as-thank-you-letter": "As thank you letter from Summit",
		"thank_you_Letter":    "Thank you Letter from Summit",
		"":                    "Letter from Summit",
		"élan":                "Élan letter from Summit",
	} {
		if got := crm.LetterSubject(kind, "Summit"); got != want {
			t.Errorf("LetterSubject(%q) = %q, want %q", kind, got, want)
		}
	}
}

// A batch's PDF holds each letter, an envelope a letter and a label sheet
// for each 30 letters: 31 one-page letters make 31 + 31 + 2 pages.
func TestBatchPagesReadBack(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	const n = 31
	for i := range n {
		p.file(p.contact(fmt.Sprintf("c%02d", i), func(c *engine.Contact) { c.FirstName = "Zoë" }), "thanks")
	}
	file := filepath.Join(t.TempDir(), "batch.pdf")
	b, err := p.letters.Print(p.ctx, crm.System, crm.PrintRequest{All: true, File: file})
	if err != nil {
		t.Fatal(err)
	}
	if got := pdftest.Pages(t, file); b.Letters != n || b.Pages != 2*n+2 || got != b.Pages {
		t.Errorf("batch = %d letters, %d pages; pdfinfo reads %d pages; want %d letters, %d pages", b.Letters, b.Pages, got, n, 2*n+2)
	}
	// The 31st letter: its recipient block as written, its envelope and its
	// label on the second sheet in capitals.
	if text := pdftest.Text(t, file); strings.Count(text, "Zoë C30") != 1 || strings.Count(text, "ZOË C30") != 2 {
		t.Errorf("the last letter's name appears %d times as written and %d in capitals, want 1 and 2",
			strings.Count(text, "Zoë C30"), strings.Count(text, "ZOË C30"))
	}
}

// A letter waiting in the pile is the manager's to print, not the rep's to
// do: My Day leaves its open activity out, the contact's timeline shows it.
func TestMyDayLeavesOutLettersWaitingToPrint(t *testing.T) {
	t.Parallel()
	p := setupPile(t, nil)
	ann := p.contact("ann")
	p.file(ann, "thanks")
	svc, err := crm.New(postgres.NewCRM(p.pool), crm.Options{Sink: p.eng, Clock: p.clock})
	if err != nil {
		t.Fatal(err)
	}
	card, err := svc.CreateActivity(p.ctx, crm.System, crm.ActivityFields{Contact: "ann", Type: "Thank You Card", Subject: "Write ann a card by hand",
		Due: p.clock.Now().Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	day, err := svc.MyDay(p.ctx, crm.System, crm.MyDayQuery{Rep: "jsmith"})
	if err != nil {
		t.Fatal(err)
	}
	if len(day.PreSales)+len(day.AfterSale) != 0 || len(day.Activities) != 1 || day.Activities[0].ID != card.ID {
		t.Errorf("My Day = %+v; want the hand-written card alone, not the letter waiting to print", day)
	}
	reports, err := crm.NewReports(crm.ReportsConfig{Store: postgres.NewCRM(p.pool), Clock: p.clock})
	if err != nil {
		t.Fatal(err)
	}
	followups, err := reports.Report(p.ctx, crm.System, "followups", crm.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (crm.FollowupRow{Rep: "jsmith", DueToday: 1}); len(followups.Rows) != 1 || followups.Rows[0] != want {
		t.Errorf("followups = %+v; want %+v: the card, not the letter waiting to print", followups.Rows, want)
	}
	timeline, err := svc.Timeline(p.ctx, crm.System, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(timeline, func(e crm.TimelineEntry) bool {
		return e.Activity != nil && e.Activity.Subject == "Letter: thank-you-purchase" && e.Activity.Status == "open"
	}) {
		t.Errorf("the timeline does not show the letter waiting to print: %+v", timeline)
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
