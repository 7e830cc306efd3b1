package crm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/tracks"
)

// Sale is something a contact bought.
type Sale struct {
	ID            int64     `json:"id"`
	ContactID     int64     `json:"contact_id"`
	OpportunityID int64     `json:"opportunity_id,omitempty"`
	Amount        string    `json:"amount"` // decimal
	Item          string    `json:"item"`
	SoldAt        time.Time `json:"sold_at"`
	Rep           string    `json:"rep"` // the selling rep's username
}

// SaleFields is a sale as a user enters it.
type SaleFields struct {
	Contact       string  `json:"contact"` // a contact reference; required
	OpportunityID int64   `json:"opportunity_id"`
	Amount        Decimal `json:"amount"` // a plain decimal number; default 0
	Item          string  `json:"item"`
	SoldAt        string  `json:"sold_at"` // RFC 3339; default now
	Rep           string  `json:"rep"`     // an existing rep; default the contact's owner
}

// CreateSale records a sale and makes its contact a customer, then sends
// sale.closed dated at the sale (the After-Sale track anchors on it) and,
// when the contact was not a customer yet, contact.updated, all in one
// transaction. Without a rep, the contact's owner made the sale.
func (s *Service) CreateSale(ctx context.Context, a Actor, f SaleFields) (Sale, error) {
	sale, err := f.sale(s.now())
	if err != nil {
		return sale, err
	}
	err = s.store.Tx(ctx, func(tx Tx) error {
		if err := s.resolveSale(ctx, tx, a, &sale, f.Contact); err != nil {
			return err
		}
		c, err := tx.LockContact(ctx, sale.ContactID)
		if err != nil {
			return err
		}
		if sale.Rep == "" {
			sale.Rep = c.Owner
		}
		if err := tx.CreateSale(ctx, &sale); err != nil {
			return err
		}
		was := c.Status
		if was != engine.StatusCustomer {
			c.Status = engine.StatusCustomer
			if err := tx.UpdateContacts(ctx, []*engine.Contact{&c}); err != nil {
				return err
			}
		}
		err = s.emitIn(ctx, tx, engine.Event{ContactID: sale.ContactID, Name: tracks.EventSaleClosed,
			At: sale.SoldAt, Amount: sale.Amount, Item: sale.Item})
		if err != nil || was == engine.StatusCustomer {
			return err
		}
		return s.emitIn(ctx, tx, engine.Event{ContactID: sale.ContactID, Name: tracks.EventContactUpdated})
	})
	if err != nil {
		return sale, fmt.Errorf("create sale: %w", err)
	}
	return sale, nil
}

// sale checks the fields that need no database and fills the defaults.
func (f SaleFields) sale(now time.Time) (Sale, error) {
	sale := Sale{OpportunityID: f.OpportunityID, Amount: strings.TrimSpace(string(f.Amount)), Item: strings.TrimSpace(f.Item),
		SoldAt: now, Rep: strings.TrimSpace(f.Rep)}
	if strings.TrimSpace(f.Contact) == "" {
		return sale, invalid("contact", "is required")
	}
	if sale.Amount == "" {
		sale.Amount = "0"
	}
	if err := checked(fieldcheck.Amount("amount", sale.Amount)); err != nil {
		return sale, err
	}
	if f.SoldAt != "" {
		at, err := time.Parse(time.RFC3339, f.SoldAt)
		if err != nil {
			return sale, invalid("sold_at", "%q: want an RFC 3339 time such as 2026-01-05T09:00:00Z", f.SoldAt)
		}
		sale.SoldAt = at.UTC()
	}
	if err := checked(fieldcheck.Date("sold_at", sale.SoldAt)); err != nil {
		return sale, err
	}
	return sale, nil
}

// resolveSale finds the sale's contact, and checks its rep and opportunity.
func (s *Service) resolveSale(ctx context.Context, tx Tx, a Actor, sale *Sale, ref string) error {
	id, err := s.resolveOne(ctx, tx, a, "contact", ref)
	if err != nil {
		return err
	}
	sale.ContactID = id
	if sale.Rep != "" {
		if sale.Rep, err = a.nameFor("rep", sale.Rep); err != nil {
			return err
		}
	}
	if _, err := existingRep(ctx, tx, "rep", sale.Rep); err != nil {
		return err
	}
	if sale.OpportunityID == 0 {
		return nil
	}
	o, err := tx.Opportunity(ctx, sale.OpportunityID)
	if err == nil {
		err = s.seeOpportunity(ctx, tx, a, o)
	}
	if errors.Is(err, engine.ErrNotFound) {
		return invalid("opportunity_id", "no opportunity %d", sale.OpportunityID)
	}
	return err
}
