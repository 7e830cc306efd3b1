package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// Engine is the part of the engine the API drives.
type Engine interface {
	EnrollMany(ctx context.Context, trackID string, contactIDs []int64) (int, error)
	Pause(ctx context.Context, enrollmentID int64) error
	Resume(ctx context.Context, enrollmentID int64) error
	Unenroll(ctx context.Context, enrollmentID int64, reason string) error
}

var _ Engine = (*engine.Engine)(nil)

// Deps is what the API needs. Zero sizes take the documented defaults.
type Deps struct {
	CRM *crm.Store // required; its event sink should be Engine
	// Letters is the pile of printed letters under /api/letters; without it
	// those routes are not served.
	Letters *crm.Letters
	Engine  Engine // required
	Logger  *slog.Logger
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
	crm       *crm.Store
	letters   *crm.Letters
	engine    Engine
	log       *slog.Logger
	maxBody   int64
	maxImport int64
}

// New returns the API's handler.
func New(d Deps) http.Handler {
	a := &api{crm: d.CRM, letters: d.Letters, engine: d.Engine, log: d.Logger, maxBody: d.MaxBody, maxImport: d.MaxImport}
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

// routes registers every endpoint of the API.
func (a *api) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", a.health)

	mux.HandleFunc("GET /api/reps", a.listReps)
	mux.HandleFunc("POST /api/reps", a.createRep)
	mux.HandleFunc("GET /api/reps/{rep}/myday", a.myDay)

	mux.HandleFunc("GET /api/contacts", a.listContacts)
	mux.HandleFunc("POST /api/contacts", a.createContact)
	mux.HandleFunc("POST /api/contacts/import", a.importContacts)
	mux.HandleFunc("GET /api/contacts/{ref}", a.getContact)
	mux.HandleFunc("PATCH /api/contacts/{ref}", a.updateContact)
	mux.HandleFunc("GET /api/contacts/{ref}/timeline", a.timeline)
	mux.HandleFunc("GET /api/contacts/{ref}/touches", a.touches)
	mux.HandleFunc("GET /api/contacts/{ref}/enrollments", a.enrollments)

	mux.HandleFunc("POST /api/opportunities", a.createOpportunity)
	mux.HandleFunc("GET /api/opportunities/{id}", a.getOpportunity)
	mux.HandleFunc("PATCH /api/opportunities/{id}", a.updateOpportunity)
	mux.HandleFunc("POST /api/sales", a.createSale)

	mux.HandleFunc("POST /api/events", a.sendEvent)
	mux.HandleFunc("POST /api/events/import", a.importEvents)
	mux.HandleFunc("POST /api/enrollments", a.enroll)
	mux.HandleFunc("POST /api/enrollments/{id}/pause", a.pause)
	mux.HandleFunc("POST /api/enrollments/{id}/resume", a.resume)
	mux.HandleFunc("POST /api/enrollments/{id}/unenroll", a.unenroll)

	mux.HandleFunc("GET /api/activities", a.listActivities)
	mux.HandleFunc("POST /api/activities", a.createActivity)
	mux.HandleFunc("POST /api/activities/{id}/complete", a.completeActivity)

	if a.letters != nil {
		a.letterRoutes(mux)
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
