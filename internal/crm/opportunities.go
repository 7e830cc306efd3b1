package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/tracks"
)

// Opportunity statuses.
const (
	OpportunityOpen = "Open"
	OpportunityWon  = "Won"
	OpportunityLost = "Lost"
)

// Opportunity is a deal being worked with a contact.
type Opportunity struct {
	ID         int64     `json:"id"`
	ContactID  int64     `json:"contact_id"`
	Contact    string    `json:"contact"` // the contact's external_id, else email
	Name       string    `json:"name"`
	Type       string    `json:"type"`
	Stage      string    `json:"stage"`
	Status     string    `json:"status"` // Open | Won | Lost
	LostReason string    `json:"lost_reason"`
	Revenue    string    `json:"revenue"` // decimal
	Campaign   string    `json:"campaign"`
	CloseDate  string    `json:"close_date,omitempty"` // YYYY-MM-DD
	Owner      string    `json:"owner"`                // a rep's username
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// OpportunityFields is an opportunity as a user enters it. On create a nil
// field takes its default; on update only the non-nil fields change.
type OpportunityFields struct {
	Contact    *string  `json:"contact"` // a contact reference; required on create
	Name       *string  `json:"name"`    // required on create
	Type       *string  `json:"type"`
	Stage      *string  `json:"stage"`
	Status     *string  `json:"status"`      // Open (default), Won or Lost
	LostReason *string  `json:"lost_reason"` // only for Lost
	Revenue    *Decimal `json:"revenue"`
	Campaign   *string  `json:"campaign"`   // a campaign's name, created if unknown
	CloseDate  *string  `json:"close_date"` // YYYY-MM-DD, "" to clear
	Owner      *string  `json:"owner"`      // an existing rep; default the contact's owner
}

// Opportunity returns one opportunity.
func (s *Service) Opportunity(ctx context.Context, a Actor, id int64) (Opportunity, error) {
	o, err := s.store.Opportunity(ctx, id)
	if err == nil {
		err = s.seeOpportunity(ctx, s.store, a, o)
	}
	return o, err
}

// seeOpportunity returns nil when a sees o: it owns o or o's contact.
func (s *Service) seeOpportunity(ctx context.Context, r Reader, a Actor, o Opportunity) error {
	return s.see(ctx, r, a, fmt.Sprintf("opportunity %d", o.ID), o.ContactID, o.Owner)
}

// CreateOpportunity adds an opportunity, then sends opportunity.created, and
// opportunity.won or opportunity.lost when it starts Won or Lost, in the same
// transaction. Without an owner, the contact's owner owns it.
func (s *Service) CreateOpportunity(ctx context.Context, a Actor, f OpportunityFields) (Opportunity, error) {
	o := Opportunity{Status: OpportunityOpen, Revenue: "0"}
	if f.Contact == nil || strings.TrimSpace(*f.Contact) == "" {
		return o, invalid("contact", "is required")
	}
	if err := f.apply(&o); err != nil {
		return o, err
	}
	err := s.store.Tx(ctx, func(tx Tx) error {
		if err := s.resolveOpportunity(ctx, tx, a, &o, f); err != nil {
			return err
		}
		if o.Owner == "" {
			c, err := tx.Contact(ctx, o.ContactID)
			if err != nil {
				return err
			}
			o.Owner = c.Owner
		}
		if err := tx.CreateOpportunity(ctx, &o); err != nil {
			return err
		}
		if err := s.emitOpportunity(ctx, tx, o, tracks.EventOpportunityOpen); err != nil {
			return err
		}
		return s.emitStatus(ctx, tx, o, OpportunityOpen)
	})
	if err != nil {
		return o, fmt.Errorf("create opportunity: %w", err)
	}
	return s.store.Opportunity(ctx, o.ID)
}

// UpdateOpportunity changes the fields that are set. A status that turns Won
// or Lost sends opportunity.won or opportunity.lost in the same transaction.
func (s *Service) UpdateOpportunity(ctx context.Context, a Actor, id int64, f OpportunityFields) (Opportunity, error) {
	var o Opportunity
	err := s.store.Tx(ctx, func(tx Tx) error {
		var err error
		if o, err = tx.LockOpportunity(ctx, id); err != nil {
			return err
		}
		if err := s.seeOpportunity(ctx, tx, a, o); err != nil {
			return err
		}
		was := o.Status
		if err := f.apply(&o); err != nil {
			return err
		}
		if err := s.resolveOpportunity(ctx, tx, a, &o, f); err != nil {
			return err
		}
		if err := tx.UpdateOpportunity(ctx, &o); err != nil {
			return err
		}
		return s.emitStatus(ctx, tx, o, was)
	})
	if err != nil {
		return o, fmt.Errorf("update opportunity %d: %w", id, err)
	}
	return s.store.Opportunity(ctx, id)
}

// resolveOpportunity checks the contact and owner named in f, and creates
// the campaign when unknown.
func (s *Service) resolveOpportunity(ctx context.Context, tx Tx, a Actor, o *Opportunity, f OpportunityFields) error {
	if f.Contact != nil {
		id, err := s.resolveOne(ctx, tx, a, "contact", *f.Contact)
		if err != nil {
			return err
		}
		o.ContactID = id
	}
	if f.Owner != nil {
		var err error
		if o.Owner, err = a.nameFor("owner", o.Owner); err != nil {
			return err
		}
	}
	if _, err := existingRep(ctx, tx, "owner", o.Owner); err != nil {
		return err
	}
	if o.Campaign == "" {
		return nil
	}
	return tx.EnsureCampaign(ctx, o.Campaign)
}

// apply copies the fields that are set onto o and checks the result.
func (f OpportunityFields) apply(o *Opportunity) error {
	for _, p := range []struct{ dst, v *string }{
		{&o.Name, f.Name}, {&o.Type, f.Type}, {&o.Stage, f.Stage}, {&o.LostReason, f.LostReason},
		{&o.Campaign, f.Campaign}, {&o.CloseDate, f.CloseDate}, {&o.Owner, f.Owner},
	} {
		if p.v != nil {
			*p.dst = strings.TrimSpace(*p.v)
		}
	}
	if f.Status != nil {
		o.Status = statusName(*f.Status)
	}
	if f.Revenue != nil {
		o.Revenue = strings.TrimSpace(string(*f.Revenue))
	}
	if f.Status != nil && o.Status != OpportunityLost && f.LostReason == nil {
		o.LostReason = ""
	}
	return o.validate()
}

// validate checks an opportunity about to be stored.
func (o *Opportunity) validate() error {
	switch {
	case o.Name == "":
		return invalid("name", "is required")
	case o.Status != OpportunityOpen && o.Status != OpportunityWon && o.Status != OpportunityLost:
		return invalid("status", "%q: want Open, Won or Lost", o.Status)
	case o.LostReason != "" && o.Status != OpportunityLost:
		return invalid("lost_reason", "only a Lost opportunity has a lost reason")
	}
	if err := checked(fieldcheck.Amount("revenue", o.Revenue)); err != nil {
		return err
	}
	if o.CloseDate != "" {
		d, err := time.Parse(time.DateOnly, o.CloseDate)
		if err != nil {
			return invalid("close_date", "%q: want a date YYYY-MM-DD", o.CloseDate)
		}
		return checked(fieldcheck.Date("close_date", d))
	}
	return nil
}

// statusName spells a status the way it is stored (Open, Won, Lost),
// whatever its case.
func statusName(s string) string {
	s = strings.TrimSpace(s)
	for _, st := range []string{OpportunityOpen, OpportunityWon, OpportunityLost} {
		if strings.EqualFold(s, st) {
			return st
		}
	}
	return s
}

// emitStatus sends opportunity.won or opportunity.lost when o's status turned
// to one of them from was.
func (s *Service) emitStatus(ctx context.Context, tx Tx, o Opportunity, was string) error {
	switch {
	case o.Status == was:
		return nil
	case o.Status == OpportunityWon:
		return s.emitOpportunity(ctx, tx, o, tracks.EventOpportunityWon)
	case o.Status == OpportunityLost:
		return s.emitOpportunity(ctx, tx, o, tracks.EventOpportunityLost)
	}
	return nil
}

// emitOpportunity sends an opportunity event for its contact, if it has one.
func (s *Service) emitOpportunity(ctx context.Context, tx Tx, o Opportunity, name string) error {
	if o.ContactID == 0 {
		return nil
	}
	return s.emitIn(ctx, tx, engine.Event{ContactID: o.ContactID, Name: name, Amount: o.Revenue, Item: o.Name})
}
