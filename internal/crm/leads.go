package crm

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/internal/mailaddr"
)

// LeadForm is a lead as a website's form sends it (DESIGN.md "Lead
// capture"). Region and PostalCode are optional; they choose the territory.
type LeadForm struct {
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Company    string `json:"company"`
	Message    string `json:"message"`
	LeadSource string `json:"lead_source"`
	Campaign   string `json:"campaign"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
}

// LeadStore is what lead capture keeps beside the contacts: PostgreSQL in
// production.
type LeadStore interface {
	// ClaimSubmission records a form's digest at at. It reports false,
	// recording nothing, when the same digest was recorded after since.
	ClaimSubmission(ctx context.Context, digest string, at, since time.Time) (bool, error)
	// ReleaseSubmission forgets a digest, so a form that failed can be sent again.
	ReleaseSubmission(ctx context.Context, digest string) error
	// NextRep is the sales rep whose turn it is for a lead (the next by id
	// after the last one given a lead, round the circle, skipping disabled
	// reps), recorded as given one; "" when there is no sales rep. Daemons
	// share one turn.
	NextRep(ctx context.Context) (string, error)
	// FindLeadContact is the oldest contact with the email (without case),
	// else whose phone has these digits ("" for none), 0 when there is none.
	FindLeadContact(ctx context.Context, email, phone string) (int64, error)
}

// LeadsConfig wires lead capture. CRM and Store are required.
type LeadsConfig struct {
	CRM         *Service
	Store       LeadStore
	Territories Territories
	// Window is how long the same form sent again is ignored; default 10
	// minutes.
	Window time.Duration
	Clock  Clock // default the wall clock
}

// Leads captures leads from websites' forms.
type Leads struct {
	cfg LeadsConfig
}

// LeadActivity is the activity a lead's message is kept on, for its owner
// to follow up.
const LeadActivity = "Lead Follow Up Call"

// NewLeads returns lead capture over cfg.
func NewLeads(cfg LeadsConfig) (*Leads, error) {
	if cfg.CRM == nil || cfg.Store == nil {
		return nil, errors.New("crm: lead capture needs the CRM and a store")
	}
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Minute
	}
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	return &Leads{cfg: cfg}, nil
}

// LeadResult says what a captured lead did.
type LeadResult struct {
	ContactID int64
	Created   bool   // a new contact (contact.created was sent)
	Repeat    bool   // the same form came within the window: nothing was done
	Owner     string // the contact's owner
}

// Capture creates the lead's contact, or updates the contact with its email
// (else its phone), as the API would: a new one is owned by the territory's
// rep, else the sales rep whose turn it is, and starts the tracks
// contact.created starts. The message is kept as an open follow-up activity
// for the owner. The same form sent again within the window is done once.
func (l *Leads) Capture(ctx context.Context, f LeadForm) (LeadResult, error) {
	if err := f.clean(); err != nil {
		return LeadResult{}, err
	}
	now := l.cfg.Clock.Now().UTC()
	digest := f.digest()
	fresh, err := l.cfg.Store.ClaimSubmission(ctx, digest, now, now.Add(-l.cfg.Window))
	if err != nil || !fresh {
		return LeadResult{Repeat: !fresh}, err
	}
	res, err := l.capture(ctx, f, now)
	if err != nil {
		err = errors.Join(fmt.Errorf("capture lead: %w", err), l.cfg.Store.ReleaseSubmission(ctx, digest))
	}
	return res, err
}

// capture stores the lead and its message.
func (l *Leads) capture(ctx context.Context, f LeadForm, now time.Time) (LeadResult, error) {
	id, err := l.cfg.Store.FindLeadContact(ctx, f.Email, digits(f.Phone))
	if err != nil {
		return LeadResult{}, err
	}
	var c engine.Contact
	if id == 0 {
		c, err = l.create(ctx, f)
	} else {
		c, err = l.update(ctx, id, f)
	}
	if err != nil {
		return LeadResult{}, err
	}
	res := LeadResult{ContactID: c.ID, Created: id == 0, Owner: c.Owner}
	if f.Message == "" {
		return res, nil
	}
	_, err = l.cfg.CRM.CreateActivity(ctx, System, ActivityFields{
		Contact: cmp.Or(c.ExternalID, c.Email), Type: LeadActivity, Notes: f.Message,
		Subject: "Web lead: " + cmp.Or(f.LeadSource, "website form"), Due: now.Format(time.RFC3339)})
	return res, err
}

// create adds the lead as a new contact with its owner.
func (l *Leads) create(ctx context.Context, f LeadForm) (engine.Contact, error) {
	owner := l.cfg.Territories.Owner(f.Region, f.PostalCode)
	if r, err := l.cfg.CRM.store.RepByUsername(ctx, owner); err == nil && r.Disabled {
		owner = "" // a disabled rep's territory goes round the circle
	}
	if owner == "" {
		var err error
		if owner, err = l.cfg.Store.NextRep(ctx); err != nil {
			return engine.Contact{}, err
		}
	}
	fields := f.fields()
	fields.Owner = &owner
	fields.LeadSource, fields.Campaign = &f.LeadSource, &f.Campaign
	if f.Email == "" {
		ext := "lead-phone-" + digits(f.Phone)
		fields.ExternalID = &ext
	}
	return l.cfg.CRM.CreateContact(ctx, System, fields)
}

// update fills in what the form adds to an existing contact; its owner,
// and the lead source and campaign it first came from, stay.
func (l *Leads) update(ctx context.Context, id int64, f LeadForm) (engine.Contact, error) {
	c, err := l.cfg.CRM.store.Contact(ctx, id)
	if err != nil {
		return c, err
	}
	fields := f.fields()
	if strings.EqualFold(c.Email, f.Email) {
		fields.Email = nil // found by it: keep it as stored
	}
	if c.LeadSource == "" && f.LeadSource != "" {
		fields.LeadSource = &f.LeadSource
	}
	if c.Campaign == "" && f.Campaign != "" {
		fields.Campaign = &f.Campaign
	}
	ref := cmp.Or(c.ExternalID, c.Email)
	return l.cfg.CRM.UpdateContact(ctx, System, ref, fields)
}

// fields are the form's contact fields that are filled in.
func (f LeadForm) fields() ContactFields {
	var cf ContactFields
	for _, p := range []struct {
		dst **string
		v   string
	}{
		{&cf.Email, f.Email}, {&cf.Phone, f.Phone}, {&cf.FirstName, f.FirstName},
		{&cf.LastName, f.LastName}, {&cf.Company, f.Company}, {&cf.Region, f.Region},
		{&cf.PostalCode, f.PostalCode},
	} {
		if p.v != "" {
			v := p.v
			*p.dst = &v
		}
	}
	return cf
}

// leadLimits are the longest values a form's fields may have, in
// characters; the message may span lines, the others not.
var leadLimits = []struct {
	name string
	max  int
	get  func(*LeadForm) *string
}{
	{"email", 254, func(f *LeadForm) *string { return &f.Email }},
	{"phone", 40, func(f *LeadForm) *string { return &f.Phone }},
	{"first_name", 100, func(f *LeadForm) *string { return &f.FirstName }},
	{"last_name", 100, func(f *LeadForm) *string { return &f.LastName }},
	{"company", 200, func(f *LeadForm) *string { return &f.Company }},
	{"message", 5000, func(f *LeadForm) *string { return &f.Message }},
	{"lead_source", 100, func(f *LeadForm) *string { return &f.LeadSource }},
	{"campaign", 200, func(f *LeadForm) *string { return &f.Campaign }},
	{"region", 100, func(f *LeadForm) *string { return &f.Region }},
	{"postal_code", 20, func(f *LeadForm) *string { return &f.PostalCode }},
}

// clean trims the fields and checks them; the error names the first bad one.
func (f *LeadForm) clean() error {
	for _, l := range leadLimits {
		p := l.get(f)
		*p = strings.TrimSpace(*p)
		check := fieldcheck.Line
		if l.name == "message" {
			check = fieldcheck.Lines
		}
		if err := check(l.name, *p, l.max); err != nil {
			return checked(err)
		}
	}
	switch {
	case f.Email == "" && f.Phone == "":
		return invalid("email", "an email or a phone is required")
	case f.Email != "":
		if err := mailaddr.Check(f.Email); err != nil {
			return invalid("email", "%q: %v", f.Email, err)
		}
	case len(digits(f.Phone)) < 7:
		return invalid("phone", "%q: want a phone number with at least 7 digits", f.Phone)
	}
	return nil
}

// digest identifies a form by its fields, compared without case.
func (f LeadForm) digest() string {
	h := sha256.New()
	for _, l := range leadLimits {
		h.Write([]byte(strings.ToLower(*l.get(&f))))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// digits keeps the digits of s.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) && r < utf8.RuneSelf {
			return r
		}
		return -1
	}, s)
}
