package httpapi

import (
	"net/http"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// repJSON is a rep as the API shows it.
type repJSON struct {
	ID           int64  `json:"id"`
	Username     string `json:"username"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Signature    string `json:"signature"`
	Role         string `json:"role"`
	MonthlyQuota int    `json:"monthly_quota"`
	Disabled     bool   `json:"disabled,omitempty"` // may not sign in; owner assignment skips it
}

func toRepJSON(r engine.Rep) repJSON {
	return repJSON{ID: r.ID, Username: r.Username, Name: r.Name, Email: r.Email,
		Signature: r.Signature, Role: r.Role, MonthlyQuota: r.MonthlyQuota, Disabled: r.Disabled}
}

// listReps is GET /api/reps.
func (a *api) listReps(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	reps, err := a.crm.ListReps(r.Context(), who)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]repJSON, 0, len(reps))
	for _, rep := range reps {
		out = append(out, toRepJSON(rep))
	}
	writeJSON(w, http.StatusOK, map[string]any{"reps": out})
}

// createRep is POST /api/reps.
func (a *api) createRep(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.RepFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.crm.CreateRep(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toRepJSON(rep))
}

// myDay is GET /api/reps/{rep}/myday?day=YYYY-MM-DD&tz=ZONE.
func (a *api) myDay(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	q := r.URL.Query()
	day, err := a.crm.MyDay(r.Context(), who, crm.MyDayQuery{Rep: r.PathValue("rep"), Day: q.Get("day"), TimeZone: q.Get("tz")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, day)
}

// listActivities is GET /api/activities?contact=&rep=&status=&offset=&limit=.
func (a *api) listActivities(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	q := r.URL.Query()
	f := crm.ActivityFilter{Contact: q.Get("contact"), Rep: q.Get("rep"), Status: q.Get("status")}
	var err error
	if f.Offset, err = queryInt(r, "offset"); err == nil {
		f.Limit, err = queryInt(r, "limit")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	as, err := a.crm.ListActivities(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"activities": as})
}

// createActivity is POST /api/activities: a rep logs an activity by hand.
func (a *api) createActivity(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var f crm.ActivityFields
	if err := a.decode(w, r, &f); err != nil {
		a.fail(w, r, err)
		return
	}
	act, err := a.crm.CreateActivity(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, act)
}

// completeActivity is POST /api/activities/{id}/complete with an optional
// body {"notes": "..."}.
func (a *api) completeActivity(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var req struct {
		Notes string `json:"notes"`
	}
	if err := a.decodeOptional(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	act, err := a.crm.CompleteActivity(r.Context(), who, id, req.Notes)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, act)
}
