package postgres

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/internal/crm"
)

// CreateSale inserts s and sets its ID.
func (x *crmTx) CreateSale(ctx context.Context, s *crm.Sale) error {
	err := x.q.QueryRow(ctx, `INSERT INTO sales (contact_id, opportunity_id, amount, item, sold_at, rep_id)
		VALUES ($1, $2, $3, $4, $5, (SELECT id FROM reps WHERE username = nullif($6, '')))
		RETURNING id`,
		s.ContactID, nullID(s.OpportunityID), s.Amount, s.Item, s.SoldAt, s.Rep).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("insert sale for contact %d: %w", s.ContactID, err)
	}
	return nil
}
