package crm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/tracks"
)

// MyDayQuery asks for one rep's My Day.
type MyDayQuery struct {
	Rep      string // a rep's username, or id
	Day      string // YYYY-MM-DD; default today in TimeZone
	TimeZone string // IANA zone the day is counted in; default UTC
}

// MyDay is a rep's to-do list for a day, grouped the way V-SEPT's "My Day"
// shows it: every open activity assigned to the rep due by the end of the
// day (or with no due time), earliest first, and the points earned this month.
// Letters waiting in the pile are left out: printing them is the manager's
// job; the contact's timeline shows them.
type MyDay struct {
	Rep      string `json:"rep"`
	Day      string `json:"day"`
	TimeZone string `json:"time_zone"`
	// PreSales are the calls and tasks marketing tracks opened for prospects.
	PreSales []DayItem `json:"pre_sales_follow_ups"`
	// AfterSale are the after-the-sale reminders: calls and tasks of
	// after-sale tracks (4 days, 25 days, 17 months after the sale).
	AfterSale []DayItem `json:"after_sale_reminders"`
	// Activities are the ones scheduled by hand.
	Activities []DayItem `json:"activities"`
	Overdue    int       `json:"overdue"` // how many items were due before the day
	Points     Points    `json:"points"`
}

// DayItem is one open activity on a My Day list.
type DayItem struct {
	Activity
	Overdue bool `json:"overdue"` // due before the day began
}

// Points compares the activity points a rep earned in a month with the
// rep's monthly quota.
type Points struct {
	Month  string `json:"month"` // YYYY-MM
	Earned int    `json:"earned"`
	Quota  int    `json:"quota"`
}

// MyDay builds a rep's My Day. An unknown rep wraps engine.ErrNotFound; a
// sales rep sees only its own (another's wraps ErrForbidden).
func (s *Service) MyDay(ctx context.Context, a Actor, q MyDayQuery) (MyDay, error) {
	start, loc, err := q.dayStart(s.now())
	if err != nil {
		return MyDay{}, err
	}
	rep, err := s.rep(ctx, q.Rep)
	if err != nil {
		return MyDay{}, err
	}
	if !a.owns(rep.ID) {
		return MyDay{}, fmt.Errorf("my day of %s: %w", rep.Username, Allow(a, ActForOthers))
	}
	end := start.AddDate(0, 0, 1)
	day := MyDay{Rep: rep.Username, Day: start.Format(time.DateOnly), TimeZone: loc.String(),
		PreSales: []DayItem{}, AfterSale: []DayItem{}, Activities: []DayItem{}}
	as, err := s.store.OpenActivities(ctx, rep.ID, end)
	if err != nil {
		return MyDay{}, fmt.Errorf("my day of %s: %w", rep.Username, err)
	}
	for _, act := range as {
		item := DayItem{Activity: act, Overdue: act.Due != nil && act.Due.Before(start)}
		if item.Overdue {
			day.Overdue++
		}
		switch {
		case act.TouchID == 0:
			day.Activities = append(day.Activities, item)
		case slices.Contains(s.afterSale, act.Track):
			day.AfterSale = append(day.AfterSale, item)
		default:
			day.PreSales = append(day.PreSales, item)
		}
	}
	month := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, loc)
	day.Points = Points{Month: month.Format("2006-01"), Quota: rep.MonthlyQuota}
	day.Points.Earned, err = s.store.PointsEarned(ctx, rep.ID, month, month.AddDate(0, 1, 0))
	if err != nil {
		return MyDay{}, fmt.Errorf("points of %s: %w", rep.Username, err)
	}
	return day, nil
}

// dayStart is the midnight that starts the asked day in its time zone.
func (q MyDayQuery) dayStart(now time.Time) (time.Time, *time.Location, error) {
	loc := time.UTC
	if tz := strings.TrimSpace(q.TimeZone); tz != "" {
		l, ok := tracks.LoadZone(tz)
		if !ok {
			return time.Time{}, nil, invalid("tz", "%q: not an IANA time zone such as America/New_York", tz)
		}
		loc = l
	}
	if q.Day == "" {
		y, m, d := now.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc), loc, nil
	}
	day, err := time.ParseInLocation(time.DateOnly, q.Day, loc)
	if err != nil {
		return time.Time{}, nil, invalid("day", "%q: want a date YYYY-MM-DD", q.Day)
	}
	return day, loc, nil
}
