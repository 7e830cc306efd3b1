package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
)

// CreateCampaign inserts c, or fills in the campaign of that name an
// opportunity created with no type; another one of that name is a conflict.
func (x *crmTx) CreateCampaign(ctx context.Context, c *crm.Campaign) error {
	err := x.q.QueryRow(ctx, `INSERT INTO campaigns (name, type, sub_type, cost) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET type = EXCLUDED.type, sub_type = EXCLUDED.sub_type, cost = EXCLUDED.cost
		WHERE campaigns.type = ''
		RETURNING id, created_at`, c.Name, c.Type, c.SubType, c.Cost).Scan(&c.ID, &c.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("campaign %q: %w", c.Name, engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("campaign %q: %w", c.Name, err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return nil
}

// Campaigns lists every campaign by name.
func (r crmReader) Campaigns(ctx context.Context) ([]crm.Campaign, error) {
	return collect(ctx, r.q, "campaigns", func(row pgx.Row) (crm.Campaign, error) {
		var c crm.Campaign
		err := row.Scan(&c.ID, &c.Name, &c.Type, &c.SubType, &c.Cost, &c.CreatedAt)
		c.CreatedAt = c.CreatedAt.UTC()
		return c, err
	}, `SELECT id, name, type, sub_type, cost::text, created_at FROM campaigns ORDER BY name`)
}
