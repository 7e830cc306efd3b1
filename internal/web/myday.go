package web

import (
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

// myDayPage is what the My Day page shows.
type myDayPage struct {
	Day  crm.MyDay
	Reps []engine.Rep // for a manager's picker; nil for a sales rep
	Rep  string
	Done string // what the last action did, shown once
	// Letters marks the items that are letters waiting in the pile: they
	// are done when printed or emailed, not from My Day.
	Letters map[int64]bool
}

// Date is the day shown, as people write it.
func (m myDayPage) Date() string {
	d, err := time.Parse(time.DateOnly, m.Day.Day)
	if err != nil {
		return m.Day.Day
	}
	return d.Format("Monday, January 2")
}

// Month is the points' month in words.
func (m myDayPage) Month() string {
	d, err := time.Parse("2006-01", m.Day.Points.Month)
	if err != nil {
		return m.Day.Points.Month
	}
	return d.Format("January 2006")
}

// Sections lists My Day's three lists in the order a rep works them.
func (m myDayPage) Sections() []daySection {
	return []daySection{
		{"Pre-sales follow-ups", "Calls and tasks marketing tracks opened for prospects.", m.Day.PreSales},
		{"After the sale reminders", "4 days, 25 days and 17 months after each sale.", m.Day.AfterSale},
		{"Activities", "Scheduled by hand.", m.Day.Activities},
	}
}

// daySection is one list of My Day.
type daySection struct {
	Heading string
	Hint    string
	Items   []crm.DayItem
}

// myDay shows a rep's day: the viewer's own, or for a manager or admin the
// rep picked.
func (p *Pages) myDay(w http.ResponseWriter, r *http.Request, v viewer) error {
	rep := v.Username
	page := myDayPage{Done: r.URL.Query().Get("done")}
	if v.Manager() {
		if pick := r.URL.Query().Get("rep"); pick != "" {
			rep = pick
		}
		page.Reps = v.reps
	}
	page.Rep = rep
	day, err := p.d.CRM.MyDay(r.Context(), v.Actor, crm.MyDayQuery{Rep: rep, TimeZone: v.Zone.String()})
	if err != nil {
		return err
	}
	page.Day = overdueFirst(day)
	page.Letters = p.letterItems(day)
	p.render(w, r, http.StatusOK, "myday", v, "My Day", page)
	return nil
}

// overdueFirst moves each list's overdue items ahead of the rest, keeping
// their order otherwise.
func overdueFirst(d crm.MyDay) crm.MyDay {
	for _, list := range []*[]crm.DayItem{&d.PreSales, &d.AfterSale, &d.Activities} {
		var late, rest []crm.DayItem
		for _, it := range *list {
			if it.Overdue {
				late = append(late, it)
			} else {
				rest = append(rest, it)
			}
		}
		*list = append(late, rest...)
	}
	return d
}

// letterItems finds the items that letter steps opened.
func (p *Pages) letterItems(d crm.MyDay) map[int64]bool {
	out := map[int64]bool{}
	for _, list := range [][]crm.DayItem{d.PreSales, d.AfterSale} {
		for _, it := range list {
			if t, ok := p.d.Library.Track(it.Track); ok {
				i := slices.IndexFunc(t.Steps, func(s tracks.Step) bool { return s.ID == it.Step })
				out[it.ID] = i >= 0 && t.Steps[i].Channel == tracks.ChannelLetter
			}
		}
	}
	return out
}

// followUps are the QNR buttons: complete with the note and schedule the
// next follow-up this many days ahead (0: no follow-up).
var followUps = map[string]int{"": 0, "none": 0, "1d": 1, "3d": 3, "1w": 7}

// completeActivity is the QNR ("quick note, reschedule"): the activity is
// done with the note, and a follow-up of the same type is scheduled for
// 9:00 the chosen number of days ahead, in the viewer's zone.
func (p *Pages) completeActivity(w http.ResponseWriter, r *http.Request, v viewer) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return engine.ErrNotFound
	}
	days, ok := followUps[r.PostFormValue("follow_up")]
	if !ok {
		return &crm.ValidationError{Field: "follow_up", Message: "pick one of the follow-up buttons"}
	}
	act, err := p.d.CRM.CompleteActivity(r.Context(), v.Actor, id, r.PostFormValue("note"))
	if err != nil {
		return err
	}
	done := "Done: " + act.Subject
	if days > 0 {
		due := nextMorning(p.d.Clock.Now(), v.Zone, days)
		_, err := p.d.CRM.CreateActivity(r.Context(), v.Actor, crm.ActivityFields{
			Contact: strconv.FormatInt(act.ContactID, 10), Rep: act.Rep, Type: act.Type,
			Subject: followUpSubject(act.Subject), Due: due.Format(time.RFC3339)})
		if err != nil {
			return err
		}
		done += "; follow-up on " + due.In(v.Zone).Format("Mon Jan 2")
	}
	if r.Header.Get("HX-Request") == "true" {
		p.fragment(w, r, "myday", "done-item", done)
		return nil
	}
	back := "/myday?done=" + url.QueryEscape(done)
	if rep := r.PostFormValue("rep"); rep != "" && v.Manager() {
		back += "&rep=" + url.QueryEscape(rep)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// nextMorning is 9:00 in loc, days after now's date there.
func nextMorning(now time.Time, loc *time.Location, days int) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d+days, 9, 0, 0, 0, loc)
}

// followUpSubject names a follow-up after the activity it follows.
func followUpSubject(s string) string {
	if strings.HasPrefix(s, "Follow up: ") {
		return s
	}
	return "Follow up: " + s
}
