package crm

import (
	"maps"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/internal/mailaddr"
	"github.com/dripline/dripline/tracks"
)

// ContactFields is a contact as a user enters it. On create a nil field
// takes its default; on update only the non-nil fields change. Custom
// merges: each key is set, and a key set to "" is removed.
type ContactFields struct {
	ExternalID *string           `json:"external_id"`
	Email      *string           `json:"email"`
	FirstName  *string           `json:"first_name"`
	LastName   *string           `json:"last_name"`
	Company    *string           `json:"company"`
	Title      *string           `json:"title"`
	Phone      *string           `json:"phone"`
	TimeZone   *string           `json:"time_zone"` // IANA zone
	Status     *string           `json:"status"`    // suspect | prospect | customer
	Industry   *string           `json:"industry"`
	Owner      *string           `json:"owner"` // a rep's username, created if unknown
	LeadSource *string           `json:"lead_source"`
	Campaign   *string           `json:"campaign"`
	Birthday   *string           `json:"birthday"` // YYYY-MM-DD, "" to clear
	Street     *string           `json:"street"`
	City       *string           `json:"city"`
	Region     *string           `json:"region"`
	PostalCode *string           `json:"postal_code"`
	Country    *string           `json:"country"`
	Custom     map[string]string `json:"custom"`
}

// apply copies the fields that are set onto c, trimmed.
func (f ContactFields) apply(c *engine.Contact) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	for _, p := range []struct{ dst, v *string }{
		{&c.ExternalID, f.ExternalID}, {&c.Email, f.Email}, {&c.FirstName, f.FirstName},
		{&c.LastName, f.LastName}, {&c.Company, f.Company}, {&c.Title, f.Title},
		{&c.Phone, f.Phone}, {&c.TimeZone, f.TimeZone}, {&c.Status, f.Status},
		{&c.Industry, f.Industry}, {&c.Owner, f.Owner}, {&c.LeadSource, f.LeadSource},
		{&c.Campaign, f.Campaign}, {&c.Street, f.Street}, {&c.City, f.City},
		{&c.Region, f.Region}, {&c.PostalCode, f.PostalCode}, {&c.Country, f.Country},
	} {
		set(p.dst, p.v)
	}
	c.Status = strings.ToLower(c.Status)
	if f.Custom != nil {
		c.Custom = mergeCustom(c.Custom, f.Custom)
	}
	if f.Birthday == nil {
		return nil
	}
	b := strings.TrimSpace(*f.Birthday)
	if b == "" {
		c.Birthday = nil
		return nil
	}
	d, err := time.Parse(time.DateOnly, b)
	if err != nil {
		return invalid("birthday", "%q: want a date YYYY-MM-DD", b)
	}
	c.Birthday = &d
	return nil
}

// mergeCustom sets each key of patch on a copy of custom; "" removes a key.
func mergeCustom(custom, patch map[string]string) map[string]string {
	out := maps.Clone(custom)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range patch {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// validateContact checks a contact about to be stored; the error names the
// first bad field.
func validateContact(c *engine.Contact) error {
	if c.ExternalID == "" && c.Email == "" {
		return invalid("email", "an email or an external_id is required")
	}
	if c.Email != "" {
		if err := mailaddr.Check(c.Email); err != nil {
			return invalid("email", "%q: %v", c.Email, err)
		}
	}
	if err := engine.CheckStatus(c.Status); err != nil {
		return invalid("status", "%v", err)
	}
	if c.TimeZone != "" {
		if _, ok := tracks.LoadZone(c.TimeZone); !ok {
			return invalid("time_zone", "%q: not an IANA time zone such as America/New_York", c.TimeZone)
		}
	}
	return checked(fieldcheck.Contact(c))
}
