package engine

import (
	"time"

	"github.com/dripline/dripline/templates"
)

// dispatch builds what a channel needs from a claimed job.
func (e *Engine) dispatch(j *job) Dispatch {
	return Dispatch{
		Touch: j.touch, Track: j.track, Step: j.step, Contact: j.contact,
		Rep: j.rep, Event: j.enrollment.Trigger, Business: e.cfg.Business, Now: e.now(),
	}
}

// MergeData is the template data for a dispatch: the contact, the rep, the
// business, the track and the step. Channels add what is theirs (the email
// channel sets UnsubscribeURL).
func (d Dispatch) MergeData() templates.Data {
	c := d.Contact
	return templates.Data{
		Contact: templates.Contact{
			FirstName: c.FirstName, LastName: c.LastName, Email: c.Email,
			Company: c.Company, Title: c.Title, Phone: c.Phone,
			Street: c.Street, City: c.City, Region: c.Region,
			PostalCode: c.PostalCode, Country: c.Country, Custom: c.Custom,
		},
		Rep: templates.Rep{
			Name: d.Rep.Name, Email: d.Rep.Email, Signature: d.Rep.Signature,
			Phone: d.Rep.Phone, Title: d.Rep.Title,
		},
		Business: d.Business,
		Track:    templates.Track{ID: d.Track.ID, Name: d.Track.Name},
		Step:     d.Step.ID,
		Event:    eventData(d.Event, d.Track.Location(c.TimeZone)),
	}
}

// eventDate is how merge data writes an event's day.
const eventDate = "January 2, 2006"

// eventData is the merge data of an enrollment's event, its date written
// the way a letter would, in the contact's zone.
func eventData(ev Event, loc *time.Location) templates.Event {
	d := templates.Event{Name: ev.Name, Item: ev.Item, Amount: ev.Amount}
	if !ev.At.IsZero() {
		d.Date = ev.At.In(loc).Format(eventDate)
	}
	return d
}
