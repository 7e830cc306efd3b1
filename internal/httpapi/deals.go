package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// createOpportunity is POST /api/opportunities.
func (a *api) createOpportunity(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.OpportunityFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.crm.CreateOpportunity(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

// getOpportunity is GET /api/opportunities/{id}.
func (a *api) getOpportunity(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	id, err := pathID(r, "id")
	if err == nil {
		var o crm.Opportunity
		if o, err = a.crm.Opportunity(r.Context(), who, id); err == nil {
			writeJSON(w, http.StatusOK, o)
			return
		}
	}
	a.fail(w, r, err)
}

// updateOpportunity is PATCH /api/opportunities/{id}: the fields sent
// change; a status turning Won or Lost sends its event.
func (a *api) updateOpportunity(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var f crm.OpportunityFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.crm.UpdateOpportunity(r.Context(), who, id, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// createSale is POST /api/sales.
func (a *api) createSale(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.SaleFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	s, err := a.crm.CreateSale(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s)
}

// eventJSON is what an event did.
type eventJSON struct {
	Enrolled []string `json:"enrolled"`
	Exited   []string `json:"exited"`
}

// sendEvent is POST /api/events {contact, event, at, track, amount, item}.
func (a *api) sendEvent(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.EventFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.crm.SendEvent(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, eventJSON{Enrolled: nonNil(res.Enrolled), Exited: nonNil(res.Exited)})
}

// nonNil is s, or an empty slice for nil, so JSON shows [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// enrollRequest puts contacts on a track by hand.
type enrollRequest struct {
	Track    string   `json:"track"`
	Contacts []string `json:"contacts"` // contact references
}

// enroll is POST /api/enrollments {track, contacts}: every contact named is
// enrolled at once; those the track's rules refuse are skipped.
func (a *api) enroll(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var req enrollRequest
	if err := a.decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.Track = strings.TrimSpace(req.Track); req.Track == "" {
		a.fail(w, r, badRequest("track", "is required"))
		return
	}
	if len(req.Contacts) == 0 {
		a.fail(w, r, badRequest("contacts", "name at least one contact"))
		return
	}
	ids, unknown, err := a.crm.ContactIDs(r.Context(), who, req.Contacts)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(unknown) > 0 {
		a.fail(w, r, badRequest("contacts", "unknown contacts: %s", strings.Join(unknown, ", ")))
		return
	}
	n, err := a.engine.EnrollMany(r.Context(), req.Track, ids)
	if errors.Is(err, engine.ErrNotFound) {
		err = badRequest("track", "unknown track %q", req.Track)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"enrolled": n, "skipped": len(ids) - n})
}

// pause is POST /api/enrollments/{id}/pause.
func (a *api) pause(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	a.changeEnrollment(w, r, who, engine.EnrollmentPaused, a.engine.Pause)
}

// resume is POST /api/enrollments/{id}/resume.
func (a *api) resume(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	a.changeEnrollment(w, r, who, engine.EnrollmentActive, a.engine.Resume)
}

// unenroll is POST /api/enrollments/{id}/unenroll with an optional body
// {"reason": "..."}.
func (a *api) unenroll(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := a.decodeOptional(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	a.changeEnrollment(w, r, who, engine.EnrollmentCanceled, func(ctx context.Context, id int64) error {
		return a.engine.Unenroll(ctx, id, req.Reason)
	})
}

// changeEnrollment runs one state change on the enrollment in the path,
// for admins and managers.
func (a *api) changeEnrollment(w http.ResponseWriter, r *http.Request, who crm.Actor, to engine.EnrollmentState,
	change func(ctx context.Context, id int64) error) {
	err := crm.Allow(who, crm.ManageEnrollments)
	id, perr := pathID(r, "id")
	if err == nil {
		err = perr
	}
	if err == nil {
		err = change(r.Context(), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "state": to})
}
