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
	"github.com/jackc/pgx/v5/pgtype"
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

const opportunitySelect = `SELECT o.id, coalesce(o.contact_id, 0), coalesce(c.external_id, c.email, ''),
	o.name, o.type, o.stage, o.status, o.lost_reason, o.revenue::text, coalesce(cp.name, ''),
	o.close_date, coalesce(r.username, ''), o.created_at, o.updated_at
	FROM opportunities o LEFT JOIN contacts c ON c.id = o.contact_id
	LEFT JOIN campaigns cp ON cp.id = o.campaign_id LEFT JOIN reps r ON r.id = o.owner_id `

func scanOpportunity(row pgx.Row) (Opportunity, error) {
	var (
		o         Opportunity
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
func (s *Store) Opportunity(ctx context.Context, id int64) (Opportunity, error) {
	return s.opportunity(ctx, s.pool, id, "")
}

func (s *Store) opportunity(ctx context.Context, q querier, id int64, lock string) (Opportunity, error) {
	o, err := scanOpportunity(q.QueryRow(ctx, opportunitySelect+`WHERE o.id = $1 `+lock, id))
	if err != nil {
		return Opportunity{}, fmt.Errorf("opportunity %d: %w", id, postgres.NotFound(err))
	}
	return o, nil
}

// CreateOpportunity adds an opportunity, then sends opportunity.created, and
// opportunity.won or opportunity.lost when it starts Won or Lost.
func (s *Store) CreateOpportunity(ctx context.Context, f OpportunityFields) (Opportunity, error) {
	o := Opportunity{Status: OpportunityOpen, Revenue: "0"}
	if f.Contact == nil || strings.TrimSpace(*f.Contact) == "" {
		return o, invalid("contact", "is required")
	}
	if err := f.apply(&o); err != nil {
		return o, err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.resolveOpportunity(ctx, tx, &o, f); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO opportunities (contact_id, name, type, stage, status,
				lost_reason, revenue, campaign_id, close_date, owner_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM campaigns WHERE name = nullif($8, '')), $9,
				coalesce((SELECT id FROM reps WHERE username = nullif($10, '')),
					(SELECT owner_id FROM contacts WHERE id = $1)))
			RETURNING id`, o.opportunityArgs()...).Scan(&o.ID)
		if err != nil {
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
	return s.Opportunity(ctx, o.ID)
}

// UpdateOpportunity changes the fields that are set. A status that turns Won
// or Lost sends opportunity.won or opportunity.lost in the same transaction.
func (s *Store) UpdateOpportunity(ctx context.Context, id int64, f OpportunityFields) (Opportunity, error) {
	var o Opportunity
	var was string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if o, err = s.opportunity(ctx, tx, id, "FOR UPDATE OF o"); err != nil {
			return err
		}
		was = o.Status
		if err := f.apply(&o); err != nil {
			return err
		}
		if err := s.resolveOpportunity(ctx, tx, &o, f); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE opportunities SET contact_id = $1, name = $2, type = $3, stage = $4,
				status = $5, lost_reason = $6, revenue = $7,
				campaign_id = (SELECT id FROM campaigns WHERE name = nullif($8, '')), close_date = $9,
				owner_id = (SELECT id FROM reps WHERE username = nullif($10, '')), updated_at = now()
			WHERE id = $11`, append(o.opportunityArgs(), id)...)
		if err != nil {
			return err
		}
		return s.emitStatus(ctx, tx, o, was)
	})
	if err != nil {
		return o, fmt.Errorf("update opportunity %d: %w", id, err)
	}
	return s.Opportunity(ctx, id)
}

// resolveOpportunity checks the contact and owner named in f, and creates
// the campaign when unknown.
func (s *Store) resolveOpportunity(ctx context.Context, tx pgx.Tx, o *Opportunity, f OpportunityFields) error {
	if f.Contact != nil {
		ids, err := resolveRefs(ctx, tx, []string{strings.TrimSpace(*f.Contact)})
		if err != nil {
			return err
		}
		id, ok := ids[strings.TrimSpace(*f.Contact)]
		if !ok {
			return invalid("contact", "no contact %q", *f.Contact)
		}
		o.ContactID = id
	}
	if _, err := repIDByUsername(ctx, tx, "owner", o.Owner); err != nil {
		return err
	}
	if o.Campaign == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO campaigns (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, o.Campaign)
	if err != nil {
		return fmt.Errorf("campaign %q: %w", o.Campaign, err)
	}
	return nil
}

// opportunityArgs are the arguments of the insert and update statements.
func (o *Opportunity) opportunityArgs() []any {
	var closeDate any
	if o.CloseDate != "" {
		d, _ := time.Parse(time.DateOnly, o.CloseDate) // checked by apply
		closeDate = pgtype.Date{Time: d, Valid: true}
	}
	return []any{postgres.NullID(o.ContactID), o.Name, o.Type, o.Stage, o.Status, o.LostReason, o.Revenue,
		o.Campaign, closeDate, o.Owner}
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
func (s *Store) emitStatus(ctx context.Context, tx pgx.Tx, o Opportunity, was string) error {
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
func (s *Store) emitOpportunity(ctx context.Context, tx pgx.Tx, o Opportunity, name string) error {
	if o.ContactID == 0 {
		return nil
	}
	return s.emitIn(ctx, tx, engine.Event{ContactID: o.ContactID, Name: name, Amount: o.Revenue, Item: o.Name})
}
