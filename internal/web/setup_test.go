package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/internal/web"
	"github.com/dripline/dripline/tracks"
)

// start is the virtual time every test begins at: Monday 2 March 2037, 09:00
// in Los Angeles. Session cookies expire by the server's (virtual) clock
// and browsers drop those already expired by the wall clock, so the virtual
// time runs ahead of the wall clock (2037's calendar is 2026's).
var start = time.Date(2037, 3, 2, 17, 0, 0, 0, time.UTC)

// password is every test rep's password.
const password = "correct horse battery"

// env is one test's pages on their own database, with the real engine and
// CRM on a virtual clock and the default track library.
type env struct {
	t     *testing.T
	eng   *engine.Engine
	crm   *crm.Service
	clock *clock.Virtual
	srv   *httptest.Server
	// sam is a sales rep owning contact c-1 (Pat Lee at Acme); mia a manager.
	contact engine.Contact
	open    crm.Activity // an open call of sam's due today, beside the after-sale call the engine opened
}

// setup builds an env for t.
func setup(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	lib, set, err := engine.ReadLibrary("", "")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, clock: clock.NewVirtual(start)}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	q := &runNow{}
	channels := engine.TaskChannels()
	channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: set}
	e.eng, err = engine.New(engine.Config{Store: postgres.New(pool), Clock: e.clock, Library: lib, Templates: set,
		Channels: channels, Logger: log, Queue: q})
	q.eng = e.eng
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.LoadLibrary(ctx); err != nil {
		t.Fatal(err)
	}
	e.crm, err = crm.New(postgres.NewCRM(pool), crm.Options{Sink: e.eng, Clock: e.clock, Library: lib, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.fill(ctx)
	reports, err := crm.NewReports(crm.ReportsConfig{Store: postgres.NewCRM(pool), Library: lib, Stages: crm.DefaultStages(), Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	pile, err := crm.NewLetters(crm.LettersConfig{Store: postgres.NewLetters(pool), Clock: e.clock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := web.New(web.Deps{CRM: e.crm, Engine: e.eng, Sessions: e.crm, Library: lib,
		Reports: reports, Letters: pile, Templates: set, Clock: e.clock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(pages)
	t.Cleanup(e.srv.Close)
	return e
}

// fill adds the reps, a contact enrolled on General Interest and an open
// call due today.
func (e *env) fill(ctx context.Context) {
	quota := 400
	for _, r := range []crm.RepFields{
		{Username: "sam", Name: "Sam Ortiz", Role: "sales", MonthlyQuota: &quota},
		{Username: "mia", Name: "Mia Chen", Role: "manager"},
	} {
		if _, err := e.crm.CreateRep(ctx, crm.System, r); err != nil {
			e.t.Fatal(err)
		}
		if err := e.crm.SetPassword(ctx, crm.System, r.Username, password); err != nil {
			e.t.Fatal(err)
		}
	}
	var err error
	e.contact, err = e.crm.CreateContact(ctx, crm.System, crm.ContactFields{ExternalID: ptr("c-1"), Email: ptr("pat@acme.example"),
		FirstName: ptr("Pat"), LastName: ptr("Lee"), Company: ptr("Acme Dental"), Owner: ptr("sam"), TimeZone: ptr("America/Denver"),
		LeadSource: ptr("Web"),
		Street:     ptr("1 Main St"), City: ptr("Fresno"), Region: ptr("CA"), PostalCode: ptr("93650"), Country: ptr("US")})
	if err != nil {
		e.t.Fatal(err)
	}
	// Ana has no postal address: her letters wait on the unmailable list.
	if _, err := e.crm.CreateContact(ctx, crm.System, crm.ContactFields{ExternalID: ptr("c-2"), Email: ptr("ana@ruiz.example"),
		FirstName: ptr("Ana"), LastName: ptr("Ruiz"), Company: ptr("Ruiz Legal"), Owner: ptr("sam"),
		LeadSource: ptr("Trade Show")}); err != nil {
		e.t.Fatal(err)
	}
	amount := crm.Decimal("12000")
	if _, err := e.crm.CreateOpportunity(ctx, crm.System, crm.OpportunityFields{Contact: ptr("c-1"), Name: ptr("Managed services"),
		Stage: ptr("Presentation"), Revenue: &amount}); err != nil {
		e.t.Fatal(err)
	}
	// Sales a week ago: the After-Sale track's 4-day calls are overdue.
	for _, c := range []string{"c-1", "c-2"} {
		if _, err := e.crm.CreateSale(ctx, crm.System, crm.SaleFields{Contact: c, Item: "Managed backup",
			SoldAt: start.AddDate(0, 0, -7).Format(time.RFC3339)}); err != nil {
			e.t.Fatal(err)
		}
	}
	for { // each touch carried out schedules the next one
		n, err := e.eng.Tick(ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	e.open, err = e.crm.CreateActivity(ctx, crm.System, crm.ActivityFields{Contact: "c-1", Type: "Lead Follow Up Call",
		Subject: "Call Pat about the demo", Due: start.Add(2 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		e.t.Fatal(err)
	}
}

// runNow is the scheduler's queue in these tests: it carries each touch
// out at once, as a worker would when it falls due.
type runNow struct{ eng *engine.Engine }

func (q *runNow) Enqueue(ctx context.Context, ts []engine.Touch) error {
	for _, t := range ts {
		if err := q.eng.Process(ctx, t.ID); err != nil {
			return err
		}
	}
	return nil
}

// client is a browser-like client with its own cookies that does not
// follow redirects.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// ptr points at s.
func ptr(s string) *string { return &s }
