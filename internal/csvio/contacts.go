package csvio

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/mailaddr"
	"github.com/dripline/dripline/tracks"
)

// textColumns are the contact columns stored as text, by CSV name.
var textColumns = map[string]func(*engine.Contact) *string{
	"external_id": func(c *engine.Contact) *string { return &c.ExternalID },
	"email":       func(c *engine.Contact) *string { return &c.Email },
	"first_name":  func(c *engine.Contact) *string { return &c.FirstName },
	"last_name":   func(c *engine.Contact) *string { return &c.LastName },
	"company":     func(c *engine.Contact) *string { return &c.Company },
	"title":       func(c *engine.Contact) *string { return &c.Title },
	"phone":       func(c *engine.Contact) *string { return &c.Phone },
	"time_zone":   func(c *engine.Contact) *string { return &c.TimeZone },
	"status":      func(c *engine.Contact) *string { return &c.Status },
	"industry":    func(c *engine.Contact) *string { return &c.Industry },
	"owner":       func(c *engine.Contact) *string { return &c.Owner },
	"lead_source": func(c *engine.Contact) *string { return &c.LeadSource },
	"campaign":    func(c *engine.Contact) *string { return &c.Campaign },
	"street":      func(c *engine.Contact) *string { return &c.Street },
	"city":        func(c *engine.Contact) *string { return &c.City },
	"region":      func(c *engine.Contact) *string { return &c.Region },
	"postal_code": func(c *engine.Contact) *string { return &c.PostalCode },
	"country":     func(c *engine.Contact) *string { return &c.Country },
}

// TextField returns the field of c that the text column (a lower-case CSV
// column name such as "email" or "postal_code") fills, or nil when column is
// birthday or a custom field.
func TextField(c *engine.Contact, column string) *string {
	if field, ok := textColumns[column]; ok {
		return field(c)
	}
	return nil
}

// ParseContacts reads a contacts CSV. It returns the good rows in file order
// and one *LineError per bad row, bad header or unreadable stretch.
func ParseContacts(file string, r io.Reader) ([]engine.Contact, []error) {
	rd, err := newReader(file, r)
	if err != nil {
		return nil, []error{err}
	}
	if !slices.Contains(rd.cols, "email") && !slices.Contains(rd.cols, "external_id") {
		return nil, []error{rd.errorf(rd.line, "header: want an email or external_id column")}
	}
	p := contactParser{cols: rd.cols, ids: map[string]int{}}
	var out []engine.Contact
	errs := rd.each(func(rec []string) error {
		c, err := p.contact(rec)
		if err != nil {
			return err
		}
		if c.ExternalID != "" {
			if line, dup := p.ids[c.ExternalID]; dup {
				return fmt.Errorf("external_id %q: already used on line %d", c.ExternalID, line)
			}
			p.ids[c.ExternalID] = rd.line
		}
		out = append(out, c)
		return nil
	})
	return out, errs
}

// contactParser turns records into contacts.
type contactParser struct {
	cols []string
	ids  map[string]int // external_id → line of the row that took it
}

// contact reads one record; the error lists every bad field.
func (p *contactParser) contact(rec []string) (engine.Contact, error) {
	c := engine.Contact{Status: engine.StatusProspect}
	var bad problems
	for i, v := range rec {
		if v == "" {
			continue
		}
		name := p.cols[i]
		switch name {
		case "email":
			c.Email = v
			if err := mailaddr.Check(v); err != nil {
				bad.addf("email %q: %v", v, err)
			}
		case "status":
			c.Status = strings.ToLower(v)
			if err := engine.CheckStatus(c.Status); err != nil {
				bad.addf("status %v", err)
			}
		case "time_zone":
			c.TimeZone = v
			if _, ok := tracks.LoadZone(v); !ok {
				bad.addf("time_zone %q: not an IANA time zone such as America/New_York", v)
			}
		case "birthday":
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				bad.addf("birthday %q: want a date YYYY-MM-DD", v)
			}
			c.Birthday = &d
		default:
			if field := TextField(&c, name); field != nil {
				*field = v
				continue
			}
			if c.Custom == nil {
				c.Custom = map[string]string{}
			}
			c.Custom[name] = v
		}
	}
	if c.Email == "" && c.ExternalID == "" {
		bad.addf("want an external_id or an email")
	}
	return c, bad.err()
}
