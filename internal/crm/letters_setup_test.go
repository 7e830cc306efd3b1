package crm_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/letters"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// pile is a letters service on its own database, with the real engine filing
// letters from the tracks in testdata/letters on a virtual clock.
type pile struct {
	t       *testing.T
	ctx     context.Context
	pool    *pgxpool.Pool
	pg      *postgres.Store
	eng     *engine.Engine
	clock   *clock.Virtual
	rep     engine.Rep
	letters *crm.Letters
	render  *recordingRender
}

// pileStart is Monday 2 March 2026, 09:00 in Los Angeles.
var pileStart = time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)

func setupPile(t *testing.T, mailer crm.LetterMailer) *pile {
	t.Helper()
	p := &pile{t: t, ctx: context.Background(), pool: pgtest.New(t), clock: clock.NewVirtual(pileStart), render: &recordingRender{}}
	p.pg = postgres.New(p.pool)
	set, err := templates.Default()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.LoadDir("testdata/letters", engine.LibraryOptions(set))
	if err != nil {
		t.Fatal(err)
	}
	channels := engine.TaskChannels()
	channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: set}
	p.eng, err = engine.New(engine.Config{Store: p.pg, Clock: p.clock, Library: lib, Templates: set,
		Channels: channels, Business: templates.Business{Name: "Summit Tech"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.eng.LoadLibrary(p.ctx); err != nil {
		t.Fatal(err)
	}
	p.rep = engine.Rep{Username: "jsmith", Name: "Jane Smith", Email: "jane@summit.example", Title: "Account Manager", Role: "sales"}
	if err := p.pg.CreateRep(p.ctx, &p.rep); err != nil {
		t.Fatal(err)
	}
	p.letters, err = crm.NewLetters(crm.LettersConfig{
		Store: postgres.NewLetters(p.pool), Render: p.render.Render, Mailer: mailer, Bouncer: p.eng, Clock: p.clock,
		PDF:      letters.Options{Sender: letters.Sender{Name: "Summit Tech"}},
		Business: templates.Business{Name: "Summit Tech", Address: "1600 Mill Rock Way, Bakersfield, CA 93311"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// contact stores a customer of the fixture's rep with a full address; change
// edits it first.
func (p *pile) contact(ref string, change ...func(*engine.Contact)) engine.Contact {
	p.t.Helper()
	c := engine.Contact{ExternalID: ref, Email: ref + "@example.com", FirstName: "Pat", LastName: strings.ToUpper(ref),
		Status: engine.StatusCustomer, TimeZone: "America/New_York", OwnerID: p.rep.ID,
		Street: "12 Oak St", City: "Fresno", Region: "CA", PostalCode: "93650"}
	for _, ch := range change {
		ch(&c)
	}
	if err := p.pg.CreateContact(p.ctx, &c); err != nil {
		p.t.Fatal(err)
	}
	return c
}

// file enrolls the contact on a test track by hand (thanks files a
// thank-you-purchase letter, greet a birthday letter) and carries out the
// touch: the letter is filed at the clock's time, which then moves on a minute.
func (p *pile) file(c engine.Contact, track string) {
	p.t.Helper()
	if _, err := p.eng.HandleEvent(p.ctx, engine.Event{ContactID: c.ID, Name: "manual", Track: track, At: p.clock.Now()}); err != nil {
		p.t.Fatal(err)
	}
	due, err := p.pg.QueueDue(p.ctx, p.clock.Now(), p.clock.Now().Add(time.Microsecond), 100)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, tc := range due {
		if err := p.eng.Process(p.ctx, tc.ID); err != nil {
			p.t.Fatal(err)
		}
	}
	p.clock.Advance(time.Minute)
}

// count runs a SELECT count(*) query.
func (p *pile) count(sql string, args ...any) int {
	p.t.Helper()
	var n int
	if err := p.pool.QueryRow(p.ctx, sql, args...).Scan(&n); err != nil {
		p.t.Fatal(err)
	}
	return n
}

// activity reads the status, completed_at and notes of the activity of a
// contact's letter, and the points it counts for the rep (its points once
// done, else 0).
func (p *pile) activity(c engine.Contact) (status string, completed *time.Time, notes string, points int) {
	p.t.Helper()
	err := p.pool.QueryRow(p.ctx, `SELECT a.status, a.completed_at, a.notes,
			CASE WHEN a.status = 'done' THEN a.points ELSE 0 END
		FROM activities a JOIN letters l ON l.activity_id = a.id WHERE l.contact_id = $1`, c.ID).
		Scan(&status, &completed, &notes, &points)
	if err != nil {
		p.t.Fatal(err)
	}
	return status, completed, notes, points
}

// recordingRender is letters.Render that remembers the letters of every
// call, and fails instead when fail is set.
type recordingRender struct {
	mu    sync.Mutex
	calls [][]letters.Letter
	fail  error
}

func (r *recordingRender) Render(w io.Writer, opts letters.Options, ls []letters.Letter) (int, error) {
	r.mu.Lock()
	r.calls = append(r.calls, ls)
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		fmt.Fprintln(w, "half a PDF")
		return 0, fail
	}
	p, err := letters.Render(w, opts, ls)
	return p.Total(), err
}

// snapshot is every letter and activity row as text, to show that a read
// changed nothing.
func (p *pile) snapshot() string {
	p.t.Helper()
	var s string
	err := p.pool.QueryRow(p.ctx, `SELECT coalesce((SELECT string_agg(l::text, E'\n' ORDER BY l.id) FROM letters l), '')
		|| E'\n' || coalesce((SELECT string_agg(a::text, E'\n' ORDER BY a.id) FROM activities a), '')`).Scan(&s)
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}
