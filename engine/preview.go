package engine

import (
	"context"
	"time"

	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// SampleDispatch is a touch carrying templates.Sample(): its contact, rep,
// business, track, step and event as the engine hands them to a channel, for
// previews that need no database. Its MergeData is templates.Sample() less
// the unsubscribe link, which the email channel adds.
func SampleDispatch() Dispatch {
	s := templates.Sample()
	c := s.Contact
	d := Dispatch{
		Track: &tracks.Track{ID: s.Track.ID, Name: s.Track.Name},
		Step:  tracks.Step{ID: s.Step},
		Contact: Contact{
			Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
			Company: c.Company, Title: c.Title, Phone: c.Phone,
			Street: c.Street, City: c.City, Region: c.Region,
			PostalCode: c.PostalCode, Country: c.Country, Custom: c.Custom,
		},
		Rep: Rep{
			Name: s.Rep.Name, Email: s.Rep.Email, Signature: s.Rep.Signature,
			Phone: s.Rep.Phone, Title: s.Rep.Title,
		},
		Event:    Event{Name: s.Event.Name, Item: s.Event.Item, Amount: s.Event.Amount},
		Business: s.Business,
	}
	if at, err := time.Parse(eventDate, s.Event.Date); err == nil {
		d.Event.At = at
	}
	return d
}

// ContactDispatch is a touch for contact c outside any track, for previews:
// c, its owner rep when it has one, and the business. It has no track, step
// or event; those come from an enrollment.
func ContactDispatch(ctx context.Context, store Store, c Contact, business templates.Business) (Dispatch, error) {
	d := Dispatch{Contact: c, Business: business, Track: &tracks.Track{}}
	if c.OwnerID == 0 {
		return d, nil
	}
	err := store.Tx(ctx, func(tx Tx) error {
		var err error
		d.Rep, err = tx.Rep(ctx, c.OwnerID)
		return err
	})
	return d, err
}
