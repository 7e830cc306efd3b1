package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
	"github.com/jackc/pgx/v5"
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
// when the contact was not a customer yet, contact.updated.
func (s *Store) CreateSale(ctx context.Context, f SaleFields) (Sale, error) {
	sale, err := f.sale(s.now())
	if err != nil {
		return sale, err
	}
	var was string
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.resolveSale(ctx, tx, &sale, f.Contact); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT status FROM contacts WHERE id = $1 FOR UPDATE`, sale.ContactID).Scan(&was)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO sales (contact_id, opportunity_id, amount, item, sold_at, rep_id)
			VALUES ($1, $2, $3, $4, $5, coalesce((SELECT id FROM reps WHERE username = nullif($6, '')),
				(SELECT owner_id FROM contacts WHERE id = $1)))
			RETURNING id, coalesce((SELECT username FROM reps r WHERE r.id = sales.rep_id), '')`,
			sale.ContactID, postgres.NullID(sale.OpportunityID), sale.Amount, sale.Item, sale.SoldAt, sale.Rep,
		).Scan(&sale.ID, &sale.Rep)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE contacts SET status = 'customer', updated_at = now()
			WHERE id = $1 AND status <> 'customer'`, sale.ContactID)
		if err != nil {
			return err
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
func (s *Store) resolveSale(ctx context.Context, tx pgx.Tx, sale *Sale, ref string) error {
	ref = strings.TrimSpace(ref)
	ids, err := resolveRefs(ctx, tx, []string{ref})
	if err != nil {
		return err
	}
	id, ok := ids[ref]
	if !ok {
		return invalid("contact", "no contact %q", ref)
	}
	sale.ContactID = id
	if _, err := repIDByUsername(ctx, tx, "rep", sale.Rep); err != nil {
		return err
	}
	if sale.OpportunityID == 0 {
		return nil
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM opportunities WHERE id = $1`, sale.OpportunityID).Scan(&n)
	if err == nil && n == 0 {
		err = invalid("opportunity_id", "no opportunity %d", sale.OpportunityID)
	}
	return err
}
