package engine_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// start is a Monday, 09:00 in Los Angeles.
var start = time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)

// fixture is an engine on a fresh PostgreSQL database and a virtual clock.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	store *postgres.Store
	clock *clock.Virtual
	eng   *engine.Engine
	rep   engine.Rep

	templates *templates.Set
}

// setup builds a fixture with the tracks and templates in testdata and the
// given channels added to the built-in call and task channels.
func setup(t testing.TB, extra map[tracks.Channel]engine.Channel) *fixture {
	return setupWith(t, extra, nil)
}

// setupWith is setup with a queue for the scheduler and changes to the
// engine's configuration.
func setupWith(t testing.TB, extra map[tracks.Channel]engine.Channel, q engine.Queue, opts ...func(*engine.Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	pcfg, err := pgxpool.ParseConfig(pgtest.URL(t) + "&pool_max_conns=40")
	if err != nil {
		t.Fatal(err)
	}
	// Never ping a connection before handing it out: a test that drops every
	// connection (a PostgreSQL restart) must see its next statement fail,
	// however long the connection sat idle on a busy machine.
	pcfg.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := postgres.New(pool)
	set, err := templates.Load("testdata/templates")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.LoadDir("testdata/tracks", engine.LibraryOptions(set))
	if err != nil {
		t.Fatal(err)
	}
	channels := engine.TaskChannels()
	channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: set}
	for ch, c := range extra {
		channels[ch] = c
	}
	clk := clock.NewVirtual(start)
	cfg := engine.Config{
		Store: store, Queue: q, Clock: clk, Library: lib, Templates: set, Channels: channels,
		Business: templates.Business{Name: "Summit Tech", Address: "1 Main St"},
	}
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.LoadLibrary(ctx); err != nil {
		t.Fatal(err)
	}
	rep := engine.Rep{Username: "jsmith", Name: "Jane Smith", Email: "jane@summit.example", Role: "sales"}
	if err := store.CreateRep(ctx, &rep); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, store: store, clock: clk, eng: eng, rep: rep, templates: set}
}

// contact stores a prospect owned by the fixture's rep.
func (f *fixture) contact(email string, change ...func(*engine.Contact)) engine.Contact {
	f.t.Helper()
	c := engine.Contact{
		Email: email, FirstName: "Pat", LastName: "Lee", Status: engine.StatusProspect,
		TimeZone: "America/Los_Angeles", OwnerID: f.rep.ID,
		Street: "12 Oak St", City: "Fresno", Region: "CA", PostalCode: "93650",
	}
	for _, ch := range change {
		ch(&c)
	}
	if err := f.store.CreateContact(f.ctx, &c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// event applies a CRM event at the clock's time unless at is set, then moves
// the clock on a second: two calls are two events, not one sent twice.
func (f *fixture) event(c engine.Contact, name string, at ...time.Time) engine.EventResult {
	f.t.Helper()
	ev := engine.Event{ContactID: c.ID, Name: name, At: f.clock.Now()}
	if len(at) > 0 {
		ev.At = at[0]
	}
	defer f.clock.Advance(time.Second)
	res, err := f.eng.HandleEvent(f.ctx, ev)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

// runUntil moves the clock from due touch to due touch up to until, carrying
// each out as a worker would, and returns the ids processed.
func (f *fixture) runUntil(until time.Time) []int64 {
	f.t.Helper()
	var done []int64
	for {
		batch, err := f.store.QueueDue(f.ctx, f.clock.Now(), until.Add(time.Microsecond), 1)
		if err != nil {
			f.t.Fatal(err)
		}
		if len(batch) == 0 {
			f.clock.Set(until)
			return done
		}
		if batch[0].Due.After(f.clock.Now()) {
			f.clock.Set(batch[0].Due)
		}
		if err := f.eng.Process(f.ctx, batch[0].ID); err != nil {
			f.t.Fatal(err)
		}
		done = append(done, batch[0].ID)
	}
}

// touches lists a contact's touches in creation order.
func (f *fixture) touches(c engine.Contact) []engine.Touch {
	f.t.Helper()
	rows, err := f.store.Pool().Query(f.ctx,
		`SELECT id, track_id, step_id, due, state, reason FROM touches WHERE contact_id = $1 ORDER BY id`, c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []engine.Touch
	for rows.Next() {
		var t engine.Touch
		if err := rows.Scan(&t.ID, &t.TrackID, &t.StepID, &t.Due, &t.State, &t.Reason); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, t)
	}
	return out
}

// touchLines lists a contact's touches as track/step@due:state, in creation order.
func (f *fixture) touchLines(c engine.Contact) []string {
	f.t.Helper()
	var got []string
	for _, tc := range f.touches(c) {
		got = append(got, tc.TrackID+"/"+tc.StepID+"@"+tc.Due.UTC().Format(time.RFC3339)+":"+string(tc.State))
	}
	return got
}

// enrollmentID reads the id of a contact's one enrollment.
func (f *fixture) enrollmentID(c engine.Contact) int64 {
	f.t.Helper()
	var id int64
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT id FROM enrollments WHERE contact_id = $1`, c.ID).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// count runs a counting query.
func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.store.Pool().QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
