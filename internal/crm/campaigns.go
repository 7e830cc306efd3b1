package crm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
)

// CampaignTypes are the campaign types, from the seeds: DESIGN.md's list and
// the ConnectWise types CharTec sets up (chartec-crm-best-practices.txt).
var CampaignTypes = []string{
	"Event", "Letter", "Email", "Call", "Print", "Web", "Track General", "Track Vertical",
	"Referral", "Direct Mail", "Inside Sales", "Pay Per Click", "Public Relations",
	"Sales Executive", "Social Media", "Telemarketing", "Walk-In", "Webinar", "Website",
}

// Campaign is a marketing campaign: what it is and what it cost, for the
// sources report's ROI.
type Campaign struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	SubType   string    `json:"subtype"`
	Cost      string    `json:"cost"` // decimal
	CreatedAt time.Time `json:"created_at"`
}

// CampaignFields is a new campaign as a user enters it.
type CampaignFields struct {
	Name    string  `json:"name"`
	Type    string  `json:"type"`    // one of CampaignTypes, any case
	SubType string  `json:"subtype"` // free text, such as Trade Show
	Cost    Decimal `json:"cost"`    // default 0
}

// AddCampaign validates and stores a campaign. A campaign an opportunity
// named before it was added (so with no type) takes these fields; any other
// of the same name wraps engine.ErrConflict. Only admins and managers add
// campaigns (their costs drive the sources report).
func (s *Service) AddCampaign(ctx context.Context, a Actor, f CampaignFields) (Campaign, error) {
	if err := Allow(a, ManageCampaigns); err != nil {
		return Campaign{}, err
	}
	c, err := f.campaign()
	if err != nil {
		return c, err
	}
	err = s.store.Tx(ctx, func(tx Tx) error { return tx.CreateCampaign(ctx, &c) })
	if errors.Is(err, engine.ErrConflict) {
		return c, fmt.Errorf("campaign %q exists already: %w", c.Name, engine.ErrConflict)
	}
	if err != nil {
		return c, fmt.Errorf("add campaign %q: %w", c.Name, err)
	}
	return c, nil
}

// ListCampaigns lists every campaign by name.
func (s *Service) ListCampaigns(ctx context.Context, a Actor) ([]Campaign, error) {
	cs, err := s.store.Campaigns(ctx)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	return cs, nil
}

// campaign checks the fields and returns the campaign to store.
func (f CampaignFields) campaign() (Campaign, error) {
	c := Campaign{Name: strings.TrimSpace(f.Name), SubType: strings.TrimSpace(f.SubType),
		Cost: strings.TrimSpace(string(f.Cost))}
	if c.Name == "" {
		return c, invalid("name", "is required")
	}
	typ, ok := CampaignType(f.Type)
	if !ok {
		return c, invalid("type", "%q: want one of %s", f.Type, strings.Join(CampaignTypes, ", "))
	}
	c.Type = typ
	if c.Cost == "" {
		c.Cost = "0"
	}
	for _, err := range []error{
		fieldcheck.Line("name", c.Name, fieldcheck.MaxLine), fieldcheck.Line("subtype", c.SubType, fieldcheck.MaxLine),
		fieldcheck.Amount("cost", c.Cost),
	} {
		if err != nil {
			return c, checked(err)
		}
	}
	return c, nil
}

// CampaignType returns the campaign type named, spelled as CampaignTypes
// does; the name is compared without case.
func CampaignType(name string) (string, bool) {
	for _, t := range CampaignTypes {
		if strings.EqualFold(t, strings.TrimSpace(name)) {
			return t, true
		}
	}
	return "", false
}
