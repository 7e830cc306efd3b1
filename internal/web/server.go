package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// CRM is the part of the CRM the pages read and change; every call takes
// the logged-in rep as its actor. crm.Service implements it.
type CRM interface {
	ListReps(ctx context.Context, a crm.Actor) ([]engine.Rep, error)
	MyDay(ctx context.Context, a crm.Actor, q crm.MyDayQuery) (crm.MyDay, error)
	CompleteActivity(ctx context.Context, a crm.Actor, id int64, notes string) (crm.Activity, error)
	CreateActivity(ctx context.Context, a crm.Actor, f crm.ActivityFields) (crm.Activity, error)
	ListContacts(ctx context.Context, a crm.Actor, f crm.ContactFilter) (crm.ContactPage, error)
	Contact(ctx context.Context, a crm.Actor, ref string) (engine.Contact, error)
	Timeline(ctx context.Context, a crm.Actor, ref string) ([]crm.TimelineEntry, error)
	Enrollments(ctx context.Context, a crm.Actor, ref string) ([]crm.Enrollment, error)
}

var _ CRM = (*crm.Service)(nil)

// Engine is the part of the engine the pages drive: one enrollment at a
// time, or a whole track. engine.Engine implements it.
type Engine interface {
	Pause(ctx context.Context, enrollmentID int64) error
	Resume(ctx context.Context, enrollmentID int64) error
	Unenroll(ctx context.Context, enrollmentID int64, reason string) error
	SetTrackState(ctx context.Context, trackID string, state engine.TrackState) error
	TrackOverview(ctx context.Context) ([]engine.TrackStatus, error)
	TakesEnrollments(ctx context.Context, trackID string) (bool, error)
}

var _ Engine = (*engine.Engine)(nil)

// Deps is what the pages need. Zero optional fields take the documented
// defaults.
type Deps struct {
	CRM      CRM      // required
	Engine   Engine   // required
	Sessions Sessions // required: the session store logins go to
	// Reports builds the dashboard's reports; nil leaves the dashboard out.
	Reports Reports
	// Letters runs the letters pile; nil leaves the Letters page out.
	Letters Letters
	// Templates fill in letter previews.
	Templates *templates.Set
	// Library is the loaded track library the Tracks page shows; required.
	Library *tracks.Library
	// PublicURL is the base URL people reach the pages at; an https one
	// makes the session cookie Secure.
	PublicURL string
	// Zone is the business's time zone, in which times show to reps whose
	// own zone is not known; default America/Los_Angeles.
	Zone *time.Location
	// Clock is the time source; default the wall clock.
	Clock engine.Clock
	// Logger logs failures; default discards.
	Logger *slog.Logger
}

// Pages serves the web pages.
type Pages struct {
	d     Deps
	log   *slog.Logger
	views *views
	mux   *http.ServeMux
}

// New returns the pages over d.
func New(d Deps) (*Pages, error) {
	if d.Zone == nil {
		z, err := time.LoadLocation("America/Los_Angeles")
		if err != nil {
			return nil, err
		}
		d.Zone = z
	}
	if d.Clock == nil {
		d.Clock = wallClock{}
	}
	p := &Pages{d: d, log: d.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if p.views, err = parseViews(); err != nil {
		return nil, err
	}
	p.mux = http.NewServeMux()
	p.routes()
	return p, nil
}

// routes registers every page. GET never changes anything; every POST
// carries the session's CSRF token.
func (p *Pages) routes() {
	m := p.mux
	m.Handle("GET /static/", static())
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/myday", http.StatusSeeOther)
	})
	m.HandleFunc("GET /login", p.loginForm)
	m.HandleFunc("POST /login", p.login)
	m.HandleFunc("POST /logout", p.page(anyone, p.logout))

	m.HandleFunc("GET /myday", p.page(anyone, p.myDay))
	m.HandleFunc("POST /activities/{id}/complete", p.page(anyone, p.completeActivity))

	m.HandleFunc("GET /contacts", p.page(anyone, p.contacts))
	m.HandleFunc("GET /contacts/{ref}", p.page(anyone, p.contact))
	m.HandleFunc("POST /enrollments/{id}/{op}", p.page(anyone, p.enrollmentOp))

	if p.d.Reports != nil {
		m.HandleFunc("GET /dashboard", p.page(managers, p.dashboard))
	}
	if p.d.Letters != nil {
		m.HandleFunc("GET /letters", p.page(managers, p.letters))
		m.HandleFunc("GET /letters/preview/{kind}", p.page(managers, p.previewLetter))
		m.HandleFunc("GET /letters/batches/{file}", p.page(managers, p.batchPDF))
		m.HandleFunc("POST /letters/print", p.page(managers, p.printLetters))
		m.HandleFunc("POST /letters/email", p.page(managers, p.emailLetters))
		m.HandleFunc("POST /letters/purge", p.page(managers, p.purgeLetters))
	}
	m.HandleFunc("GET /tracks", p.page(managers, p.tracks))
	m.HandleFunc("POST /tracks/{id}/{op}", p.page(managers, p.trackOp))
}

// Mount lists the ServeMux patterns the pages answer, each to the pages'
// handler, for httpapi.Deps.Mount.
func (p *Pages) Mount() map[string]http.Handler {
	m := map[string]http.Handler{}
	for _, pattern := range []string{"/{$}", "/static/", "/login", "/logout", "/myday", "/activities/",
		"/contacts", "/contacts/", "/enrollments/", "/tracks", "/tracks/", "/dashboard", "/letters", "/letters/"} {
		m[pattern] = p
	}
	return m
}

// ServeHTTP serves the pages.
func (p *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	p.mux.ServeHTTP(w, r)
}

// wallClock is the default clock.
type wallClock struct{}

// Now returns the wall-clock time.
func (wallClock) Now() time.Time { return time.Now() }
