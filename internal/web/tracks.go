package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// tracksPage is the library with each track's state.
type tracksPage struct {
	Tracks  []trackView
	Missing []engine.TrackStatus // stored tracks with open enrollments but no loaded file
	Start   time.Time            // the plans' example start
	Done    string
	Open    string // the track whose plan shows unfolded
}

// trackView is one loaded track: its definition, state and plan.
type trackView struct {
	engine.TrackStatus
	Def  *tracks.Track
	Plan []planStep
}

// planStep is one step of a track's plan from the example start.
type planStep struct {
	tracks.PlannedTouch
	Offset string // the step's at/after as written
	OnStep int    // contacts whose next touch is this step
}

// tracks shows the library: each track's plan as a dated list from the next
// Monday 9:00 in the viewer's zone, the contacts on each step, its versions
// and its state; stored tracks with open enrollments missing from the
// loaded library come first.
func (p *Pages) tracks(w http.ResponseWriter, r *http.Request, v viewer) error {
	all, err := p.d.Engine.TrackOverview(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page := tracksPage{Start: nextMonday(p.d.Clock.Now(), v.Zone), Done: q.Get("done"), Open: q.Get("open")}
	for _, st := range all {
		def, ok := p.d.Library.Track(st.Track)
		if !ok {
			if st.Missing() {
				page.Missing = append(page.Missing, st)
			}
			continue
		}
		page.Tracks = append(page.Tracks, trackView{TrackStatus: st, Def: def, Plan: planOf(def, st, page.Start)})
	}
	p.render(w, r, http.StatusOK, "tracks", v, "Tracks", page)
	return nil
}

// planOf is a track's plan from start with the contacts on each step.
func planOf(t *tracks.Track, st engine.TrackStatus, start time.Time) []planStep {
	plan := t.Plan(start, start.Location().String())
	out := make([]planStep, len(plan))
	for i, pt := range plan {
		s := t.Steps[i]
		off := "at " + durationText(s.At)
		if s.At == nil {
			off = "after " + durationText(s.After)
		}
		out[i] = planStep{PlannedTouch: pt, Offset: off, OnStep: st.OnStep[s.ID]}
	}
	return out
}

// durationText writes a step's offset as the YAML has it.
func durationText(d *tracks.Duration) string {
	if d == nil {
		return "0d"
	}
	return d.String()
}

// nextMonday is 9:00 on the Monday after now, in loc.
func nextMonday(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	day := time.Date(y, m, d, 9, 0, 0, 0, loc)
	n := (8 - int(day.Weekday())) % 7
	if n == 0 {
		n = 7
	}
	return day.AddDate(0, 0, n)
}

// trackOps maps the Tracks page's buttons to the state they set.
var trackOps = map[string]engine.TrackState{
	"pause": engine.TrackPaused, "resume": engine.TrackActive, "retire": engine.TrackRetired,
}

// trackOp pauses, resumes or retires a whole track.
func (p *Pages) trackOp(w http.ResponseWriter, r *http.Request, v viewer) error {
	id, op := r.PathValue("id"), r.PathValue("op")
	state, ok := trackOps[op]
	if !ok {
		return engine.ErrNotFound
	}
	if err := p.d.Engine.SetTrackState(r.Context(), id, state); err != nil {
		return err
	}
	p.log.InfoContext(r.Context(), "track state set from the Tracks page", "track", id, "state", state, "by", v.Username)
	http.Redirect(w, r, "/tracks?"+url.Values{"done": {id + " is " + string(state)}}.Encode(), http.StatusSeeOther)
	return nil
}
