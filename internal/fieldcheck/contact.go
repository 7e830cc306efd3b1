package fieldcheck

import (
	"github.com/dripline/dripline/engine"
)

// TextColumns are a contact's text fields, by the name the API and the CSV
// header give them, in the order of a contact's fields.
var TextColumns = []string{
	"external_id", "email", "first_name", "last_name", "company", "title", "phone", "time_zone",
	"status", "industry", "owner", "lead_source", "campaign", "street", "city", "region",
	"postal_code", "country",
}

// TextField returns the field of c that the text column (a lower-case name
// from TextColumns, such as "email" or "postal_code") holds, or nil for any
// other name.
func TextField(c *engine.Contact, column string) *string {
	switch column {
	case "external_id":
		return &c.ExternalID
	case "email":
		return &c.Email
	case "first_name":
		return &c.FirstName
	case "last_name":
		return &c.LastName
	case "company":
		return &c.Company
	case "title":
		return &c.Title
	case "phone":
		return &c.Phone
	case "time_zone":
		return &c.TimeZone
	case "status":
		return &c.Status
	case "industry":
		return &c.Industry
	case "owner":
		return &c.Owner
	case "lead_source":
		return &c.LeadSource
	case "campaign":
		return &c.Campaign
	case "street":
		return &c.Street
	case "city":
		return &c.City
	case "region":
		return &c.Region
	case "postal_code":
		return &c.PostalCode
	case "country":
		return &c.Country
	}
	return nil
}

// Contact checks the limits on every field of c: each text field one line of
// at most MaxLine characters (the street may have several), the owner a valid username, the birthday
// between MinYear and MaxYear, and the custom fields. It checks sizes and
// shapes only; whether the email is an address or the status is known is
// for the caller. The error names the first bad field.
func Contact(c *engine.Contact) error {
	for _, col := range TextColumns {
		check := Line
		if col == "street" {
			check = Lines
		}
		if err := check(col, *TextField(c, col), MaxLine); err != nil {
			return err
		}
	}
	if c.Owner != "" {
		if err := Username("owner", c.Owner); err != nil {
			return err
		}
	}
	if c.Birthday != nil {
		if err := Date("birthday", *c.Birthday); err != nil {
			return err
		}
	}
	return Custom(c.Custom)
}
