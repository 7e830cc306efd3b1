package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/internal/crm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// opportunitySelect reads the columns scanOpportunity scans.
const opportunitySelect = `SELECT o.id, coalesce(o.contact_id, 0), coalesce(c.external_id, c.email, ''),
	o.name, o.type, o.stage, o.status, o.lost_reason, o.revenue::text, coalesce(cp.name, ''),
	o.close_date, coalesce(r.username, ''), o.created_at, o.updated_at
	FROM opportunities o LEFT JOIN contacts c ON c.id = o.contact_id
	LEFT JOIN campaigns cp ON cp.id = o.campaign_id LEFT JOIN reps r ON r.id = o.owner_id `

// scanOpportunity reads one row of opportunitySelect.
func scanOpportunity(row pgx.Row) (crm.Opportunity, error) {
	var (
		o         crm.Opportunity
		closeDate pgtype.Date
	)
	err := row.Scan(&o.ID, &o.ContactID, &o.Contact, &o.Name, &o.Type, &o.Stage, &o.Status,
		&o.LostReason, &o.Revenue, &o.Campaign, &closeDate, &o.Owner, &o.CreatedAt, &o.UpdatedAt)
	if closeDate.Valid {
		o.CloseDate = closeDate.Time.Format(time.DateOnly)
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// Opportunity returns one opportunity.
func (r crmReader) Opportunity(ctx context.Context, id int64) (crm.Opportunity, error) {
	return opportunityByID(ctx, r.q, id, "")
}

// LockOpportunity reads an opportunity FOR UPDATE.
func (x *crmTx) LockOpportunity(ctx context.Context, id int64) (crm.Opportunity, error) {
	return opportunityByID(ctx, x.q, id, "FOR UPDATE OF o")
}

// opportunityByID reads one opportunity; lock may lock it.
func opportunityByID(ctx context.Context, q querier, id int64, lock string) (crm.Opportunity, error) {
	o, err := scanOpportunity(q.QueryRow(ctx, opportunitySelect+`WHERE o.id = $1 `+lock, id))
	if err != nil {
		return crm.Opportunity{}, fmt.Errorf("opportunity %d: %w", id, notFound(err))
	}
	return o, nil
}

// CreateOpportunity inserts o and sets its ID.
func (x *crmTx) CreateOpportunity(ctx context.Context, o *crm.Opportunity) error {
	err := x.q.QueryRow(ctx, `INSERT INTO opportunities (contact_id, name, type, stage, status,
			lost_reason, revenue, campaign_id, close_date, owner_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM campaigns WHERE name = nullif($8, '')), $9,
			(SELECT id FROM reps WHERE username = nullif($10, '')))
		RETURNING id`, opportunityArgs(o)...).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("insert opportunity %q: %w", o.Name, err)
	}
	return nil
}

// UpdateOpportunity stores every field of o.
func (x *crmTx) UpdateOpportunity(ctx context.Context, o *crm.Opportunity) error {
	_, err := x.q.Exec(ctx, `UPDATE opportunities SET contact_id = $1, name = $2, type = $3, stage = $4,
			status = $5, lost_reason = $6, revenue = $7,
			campaign_id = (SELECT id FROM campaigns WHERE name = nullif($8, '')), close_date = $9,
			owner_id = (SELECT id FROM reps WHERE username = nullif($10, '')), updated_at = now()
		WHERE id = $11`, append(opportunityArgs(o), o.ID)...)
	if err != nil {
		return fmt.Errorf("store opportunity %d: %w", o.ID, err)
	}
	return nil
}

// opportunityArgs are the arguments of the insert and update statements.
func opportunityArgs(o *crm.Opportunity) []any {
	var closeDate any
	if d, err := time.Parse(time.DateOnly, o.CloseDate); err == nil {
		closeDate = pgtype.Date{Time: d, Valid: true}
	}
	return []any{nullID(o.ContactID), o.Name, o.Type, o.Stage, o.Status, o.LostReason, o.Revenue,
		o.Campaign, closeDate, o.Owner}
}

// EnsureCampaign creates the campaign unless it exists.
func (x *crmTx) EnsureCampaign(ctx context.Context, name string) error {
	_, err := x.q.Exec(ctx, `INSERT INTO campaigns (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, name)
	if err != nil {
		return fmt.Errorf("campaign %q: %w", name, err)
	}
	return nil
}
