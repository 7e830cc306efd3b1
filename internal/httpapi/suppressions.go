package httpapi

import (
	"net/http"

	"github.com/dripline/dripline/internal/crm"
)

// listSuppressions is GET /api/suppressions?reason=&after=&limit=: the
// addresses suppressed now.
func (a *api) listSuppressions(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	q := r.URL.Query()
	f := crm.SuppressionFilter{Reason: q.Get("reason"), After: q.Get("after")}
	var err error
	if f.Limit, err = queryInt(r, "limit"); err != nil {
		a.fail(w, r, err)
		return
	}
	ss, err := a.crm.Suppressions(r.Context(), who, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"suppressions": nonNil(ss)})
}

// getSuppression is GET /api/suppressions/{email}: the address now and its
// history.
func (a *api) getSuppression(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	rec, err := a.crm.Suppression(r.Context(), who, r.PathValue("email"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// liftSuppression is POST /api/suppressions/{email}/lift {"reason": "..."}.
func (a *api) liftSuppression(w http.ResponseWriter, r *http.Request, who crm.Actor) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := a.decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := a.crm.LiftSuppression(r.Context(), who, r.PathValue("email"), req.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}
