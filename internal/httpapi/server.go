package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/report"
)

// Engine is the part of the engine the API drives.
type Engine interface {
	EnrollMany(ctx context.Context, trackID string, contactIDs []int64) (int, error)
	Pause(ctx context.Context, enrollmentID int64) error
	Resume(ctx context.Context, enrollmentID int64) error
	Unenroll(ctx context.Context, enrollmentID int64, reason string) error
}

var _ Engine = (*engine.Engine)(nil)

// CRM is the part of the CRM the API calls. Every call that acts for
// someone takes the request's actor.
type CRM interface {
	Ping(ctx context.Context) error

	ListReps(ctx context.Context, a crm.Actor) ([]engine.Rep, error)
	CreateRep(ctx context.Context, a crm.Actor, f crm.RepFields) (engine.Rep, error)
	MyDay(ctx context.Context, a crm.Actor, q crm.MyDayQuery) (crm.MyDay, error)

	ListContacts(ctx context.Context, a crm.Actor, f crm.ContactFilter) (crm.ContactPage, error)
	Contact(ctx context.Context, a crm.Actor, ref string) (engine.Contact, error)
	ContactIDs(ctx context.Context, a crm.Actor, refs []string) (ids []int64, unknown []string, err error)
	CreateContact(ctx context.Context, a crm.Actor, f crm.ContactFields) (engine.Contact, error)
	UpdateContact(ctx context.Context, a crm.Actor, ref string, f crm.ContactFields) (engine.Contact, error)
	Import(ctx context.Context, a crm.Actor, file string, r io.Reader) (crm.ImportResult, error)
	Timeline(ctx context.Context, a crm.Actor, ref string) ([]crm.TimelineEntry, error)
	Touches(ctx context.Context, a crm.Actor, ref string) ([]report.Touch, error)
	Enrollments(ctx context.Context, a crm.Actor, ref string) ([]crm.Enrollment, error)

	Opportunity(ctx context.Context, a crm.Actor, id int64) (crm.Opportunity, error)
	CreateOpportunity(ctx context.Context, a crm.Actor, f crm.OpportunityFields) (crm.Opportunity, error)
	UpdateOpportunity(ctx context.Context, a crm.Actor, id int64, f crm.OpportunityFields) (crm.Opportunity, error)
	CreateSale(ctx context.Context, a crm.Actor, f crm.SaleFields) (crm.Sale, error)
	SendEvent(ctx context.Context, a crm.Actor, f crm.EventFields) (engine.EventResult, error)
	ImportEvents(ctx context.Context, a crm.Actor, file string, r io.Reader) (crm.ImportResult, error)

	ListActivities(ctx context.Context, a crm.Actor, f crm.ActivityFilter) ([]crm.Activity, error)
	CreateActivity(ctx context.Context, a crm.Actor, f crm.ActivityFields) (crm.Activity, error)
	CompleteActivity(ctx context.Context, a crm.Actor, id int64, notes string) (crm.Activity, error)

	Suppressions(ctx context.Context, a crm.Actor, f crm.SuppressionFilter) ([]crm.Suppression, error)
	Suppression(ctx context.Context, a crm.Actor, email string) (crm.SuppressionRecord, error)
	LiftSuppression(ctx context.Context, a crm.Actor, email, reason string) (crm.SuppressionRecord, error)
	ListCampaigns(ctx context.Context, a crm.Actor) ([]crm.Campaign, error)
	AddCampaign(ctx context.Context, a crm.Actor, f crm.CampaignFields) (crm.Campaign, error)
}

var _ CRM = (*crm.Service)(nil)

// Deps is what the API needs. Zero sizes take the documented defaults.
type Deps struct {
	CRM    CRM    // required; its event sink should be Engine
	Engine Engine // required
	// Reports serves /api/reports/NAME; nil leaves those routes out.
	Reports Reports
	Logger  *slog.Logger
	// Actor says who an /api/ request acts for, such as Bearer over the
	// CRM; an error refuses the request (a *crm.AuthError with 401).
	// Default: every /api/ request is refused with 401.
	Actor func(*http.Request) (crm.Actor, error)
	// Letters is the pile of printed letters under /api/letters; without it
	// those routes are not served.
	Letters *crm.Letters
	// Mount adds handlers beside the API, by ServeMux pattern, such as the
	// unsubscribe page ("/u/") and the bounce webhook.
	Mount map[string]http.Handler
	// MaxBody limits JSON request bodies; default 1 MiB.
	MaxBody int64
	// MaxImport limits CSV import bodies; default 64 MiB.
	MaxImport int64
}

// api holds the handlers' dependencies.
type api struct {
	crm       CRM
	letters   *crm.Letters
	engine    Engine
	reports   Reports
	actorOf   func(*http.Request) (crm.Actor, error)
	log       *slog.Logger
	maxBody   int64
	maxImport int64
}

// New returns the API's handler.
func New(d Deps) http.Handler {
	a := &api{crm: d.CRM, letters: d.Letters, engine: d.Engine, reports: d.Reports, actorOf: d.Actor, log: d.Logger,
		maxBody: d.MaxBody, maxImport: d.MaxImport}
	if a.actorOf == nil {
		a.actorOf = refuseAll
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.maxBody <= 0 {
		a.maxBody = 1 << 20
	}
	if a.maxImport <= 0 {
		a.maxImport = 64 << 20
	}
	mux := http.NewServeMux()
	a.routes(mux)
	for pattern, h := range d.Mount {
		mux.Handle(pattern, h)
	}
	return a.recover(mux)
}

// router is where routes registers the endpoints: the ServeMux, or a list
// in the tests that walk every route.
type router interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// routes registers every endpoint of the API. Every /api/ one is wrapped
// by as (JSON bodies) or asCSV (CSV bodies).
func (a *api) routes(mux router) {
	mux.HandleFunc("GET /healthz", a.health)

	mux.HandleFunc("GET /api/reps", a.as(a.listReps))
	mux.HandleFunc("POST /api/reps", a.as(a.createRep))
	mux.HandleFunc("GET /api/reps/{rep}/myday", a.as(a.myDay))

	mux.HandleFunc("GET /api/contacts", a.as(a.listContacts))
	mux.HandleFunc("POST /api/contacts", a.as(a.createContact))
	mux.HandleFunc("POST /api/contacts/import", a.asCSV(a.importContacts))
	mux.HandleFunc("GET /api/contacts/{ref}", a.as(a.getContact))
	mux.HandleFunc("PATCH /api/contacts/{ref}", a.as(a.updateContact))
	mux.HandleFunc("GET /api/contacts/{ref}/timeline", a.as(a.timeline))
	mux.HandleFunc("GET /api/contacts/{ref}/touches", a.as(a.touches))
	mux.HandleFunc("GET /api/contacts/{ref}/enrollments", a.as(a.enrollments))

	mux.HandleFunc("POST /api/opportunities", a.as(a.createOpportunity))
	mux.HandleFunc("GET /api/opportunities/{id}", a.as(a.getOpportunity))
	mux.HandleFunc("PATCH /api/opportunities/{id}", a.as(a.updateOpportunity))
	mux.HandleFunc("POST /api/sales", a.as(a.createSale))

	mux.HandleFunc("POST /api/events", a.as(a.sendEvent))
	mux.HandleFunc("POST /api/events/import", a.asCSV(a.importEvents))
	mux.HandleFunc("POST /api/enrollments", a.as(a.enroll))
	mux.HandleFunc("POST /api/enrollments/{id}/pause", a.as(a.pause))
	mux.HandleFunc("POST /api/enrollments/{id}/resume", a.as(a.resume))
	mux.HandleFunc("POST /api/enrollments/{id}/unenroll", a.as(a.unenroll))

	mux.HandleFunc("GET /api/activities", a.as(a.listActivities))
	mux.HandleFunc("POST /api/activities", a.as(a.createActivity))
	mux.HandleFunc("POST /api/activities/{id}/complete", a.as(a.completeActivity))

	mux.HandleFunc("GET /api/suppressions", a.as(a.listSuppressions))
	mux.HandleFunc("GET /api/suppressions/{email}", a.as(a.getSuppression))
	mux.HandleFunc("POST /api/suppressions/{email}/lift", a.as(a.liftSuppression))

	mux.HandleFunc("GET /api/campaigns", a.as(a.listCampaigns))
	mux.HandleFunc("POST /api/campaigns", a.as(a.createCampaign))
	if a.reports != nil {
		mux.HandleFunc("GET /api/reports/{name}", a.as(a.getReport))
	}
	if a.letters != nil {
		a.letterRoutes(mux)
	}
}

// actorHandler is an API handler told who the request acts for.
type actorHandler func(w http.ResponseWriter, r *http.Request, who crm.Actor)

// as finds who the request acts for (Deps.Actor) and checks that a body is
// JSON before h runs; a request the seam refuses fails with its error.
func (a *api) as(h actorHandler) http.HandlerFunc { return a.asBody("application/json", h) }

// asCSV is as for a request whose body is a CSV file.
func (a *api) asCSV(h actorHandler) http.HandlerFunc { return a.asBody("text/csv", h) }

// asBody is as for bodies of the media type body.
func (a *api) asBody(body string, h actorHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		who, err := a.actorOf(r)
		if err == nil {
			err = checkBody(r, body)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		h(w, r, who)
	}
}

// recover turns a panic in a handler into a logged 500.
func (a *api) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.ErrorContext(r.Context(), "handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeJSON(w, http.StatusInternalServerError, errorBody{Error: "internal error"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// health answers 200 when the database does.
func (a *api) health(w http.ResponseWriter, r *http.Request) {
	if err := a.crm.Ping(r.Context()); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// pathID reads a numeric path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest(name, "%q is not an id", r.PathValue(name))
	}
	return id, nil
}

// queryInt reads an optional whole-number query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest(name, "%q is not a whole number", v)
	}
	return n, nil
}
