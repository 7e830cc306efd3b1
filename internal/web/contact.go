package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/tracks"
)

// contactsPage is the contacts search.
type contactsPage struct {
	Search string
	Page   crm.ContactPage
	After  int64
}

// contacts lists contacts, 50 a page, searched by name, email or company.
func (p *Pages) contacts(w http.ResponseWriter, r *http.Request, v viewer) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page := contactsPage{Search: strings.TrimSpace(q.Get("q")), After: after}
	var err error
	page.Page, err = p.d.CRM.ListContacts(r.Context(), v.Actor, crm.ContactFilter{Search: page.Search, After: after, Limit: 50})
	if err != nil {
		return err
	}
	p.render(w, r, http.StatusOK, "contacts", v, "Contacts", page)
	return nil
}

// contactPage is one contact with its enrollments, timeline and the
// touches still to come.
type contactPage struct {
	Contact     engine.Contact
	Ref         string
	Enrollments []crm.Enrollment
	Timeline    []crm.TimelineEntry
	Upcoming    []upcoming
	CanManage   bool
}

// upcoming is a touch still to come: the pending one, or one projected
// from its track's plan.
type upcoming struct {
	Track     string
	Step      string
	Channel   tracks.Channel
	Due       time.Time
	Projected bool // not scheduled yet: computed from the plan
	Late      bool // pending and already past due
}

// contact shows one contact. A sales rep sees only its own contacts.
func (p *Pages) contact(w http.ResponseWriter, r *http.Request, v viewer) error {
	ref := r.PathValue("ref")
	ctx := r.Context()
	c, err := p.d.CRM.Contact(ctx, v.Actor, ref)
	if err != nil {
		return err
	}
	page := contactPage{Contact: c, Ref: ref, CanManage: crm.Allow(v.Actor, crm.ManageEnrollments) == nil}
	if page.Enrollments, err = p.d.CRM.Enrollments(ctx, v.Actor, ref); err != nil {
		return err
	}
	if page.Timeline, err = p.d.CRM.Timeline(ctx, v.Actor, ref); err != nil {
		return err
	}
	if page.Upcoming, err = p.project(ctx, c, page.Enrollments, page.Timeline); err != nil {
		return err
	}
	p.render(w, r, http.StatusOK, "contact", v, contactName(c), page)
	return nil
}

// project lists, for each open enrollment, its pending touch and the steps
// after it, due as the loaded track's plan says from that touch on, then
// the touches of the tracks its track chains to.
func (p *Pages) project(ctx context.Context, c engine.Contact, ens []crm.Enrollment, tl []crm.TimelineEntry) ([]upcoming, error) {
	var out []upcoming
	now := p.d.Clock.Now()
	open := map[string]bool{}
	for _, en := range ens {
		open[en.Track] = open[en.Track] || engine.EnrollmentState(en.State).Open()
	}
	for _, en := range ens {
		if !engine.EnrollmentState(en.State).Open() {
			continue
		}
		pending := pendingTouch(tl, en.ID)
		if pending == nil {
			continue
		}
		out = append(out, upcoming{Track: en.Track, Step: pending.Step, Channel: tracks.Channel(pending.Channel),
			Due: pending.Due, Late: pending.Due.Before(now)})
		t, ok := p.d.Library.Track(en.Track)
		if !ok {
			continue
		}
		rest := planAfter(t, en.Anchor, pending, c.TimeZone)
		last := pending.Due
		if len(rest) > 0 {
			last = rest[len(rest)-1].Due
		}
		out = append(out, rest...)
		chained, err := p.chain(ctx, t, last, c.TimeZone, open)
		if err != nil {
			return nil, err
		}
		out = append(out, chained...)
	}
	slices.SortStableFunc(out, func(a, b upcoming) int { return a.Due.Compare(b.Due) })
	return out, nil
}

// pendingTouch is the enrollment's touch that is not final yet.
func pendingTouch(tl []crm.TimelineEntry, enrollment int64) *crm.TouchInfo {
	for _, e := range tl {
		if e.Touch != nil && e.Touch.EnrollmentID == enrollment && !engine.TouchState(e.Touch.State).Final() {
			return e.Touch
		}
	}
	return nil
}

// planAfter projects the track's steps after the pending touch's step.
func planAfter(t *tracks.Track, anchor time.Time, pending *crm.TouchInfo, zone string) []upcoming {
	loc := t.Location(zone)
	var out []upcoming
	prev, seen := pending.Due, false
	for i, s := range t.Steps {
		if !seen {
			seen = s.ID == pending.Step
			continue
		}
		prev = t.Due(i, anchor, prev, loc)
		out = append(out, upcoming{Track: t.ID, Step: s.ID, Channel: s.Channel, Due: prev, Projected: true})
	}
	return out
}

// maxChain is how many tracks reached through `then:` chain projects at
// most: the library forbids cycles, and this stops one anyway.
const maxChain = 5

// chain projects the touches of the tracks reached from t through `then:`,
// each enrolled at the due time of the previous track's last touch, as the
// engine chains. It stops before a track the contact has an open enrollment
// on (the engine would not enroll it again; its own touches are projected
// from that enrollment), before a retired track (it enrolls nobody) and
// after maxChain tracks.
func (p *Pages) chain(ctx context.Context, t *tracks.Track, last time.Time, zone string, open map[string]bool) ([]upcoming, error) {
	var out []upcoming
	for range maxChain {
		next, ok := p.d.Library.Track(t.Then)
		if t.Then == "" || !ok || open[t.Then] {
			break
		}
		if takes, err := p.d.Engine.TakesEnrollments(ctx, next.ID); err != nil || !takes {
			return out, err
		}
		for _, pt := range next.Plan(last, zone) {
			out = append(out, upcoming{Track: next.ID, Step: pt.Step, Channel: pt.Channel, Due: pt.Due, Projected: true})
			last = pt.Due
		}
		t = next
	}
	return out, nil
}

// contactName is how a contact is named on its page.
func contactName(c engine.Contact) string {
	if n := strings.TrimSpace(c.FirstName + " " + c.LastName); n != "" {
		return n
	}
	if c.Email != "" {
		return c.Email
	}
	return c.ExternalID
}

// enrollmentOp pauses, resumes or ends one enrollment, then shows the
// contact again.
func (p *Pages) enrollmentOp(w http.ResponseWriter, r *http.Request, v viewer) error {
	if err := crm.Allow(v.Actor, crm.ManageEnrollments); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return engine.ErrNotFound
	}
	ctx := r.Context()
	switch r.PathValue("op") {
	case "pause":
		err = p.d.Engine.Pause(ctx, id)
	case "resume":
		err = p.d.Engine.Resume(ctx, id)
	case "unenroll":
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		if reason == "" {
			return &crm.ValidationError{Field: "reason", Message: "say why the contact leaves the track"}
		}
		err = p.d.Engine.Unenroll(ctx, id, "unenrolled by "+v.Username+": "+reason)
	default:
		return engine.ErrNotFound
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/contacts/"+url.PathEscape(r.PostFormValue("contact")), http.StatusSeeOther)
	return nil
}
