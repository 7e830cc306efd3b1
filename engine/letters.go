package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/dripline/dripline/letters"
	"github.com/dripline/dripline/templates"
)

// LetterChannel carries out letter steps: it renders the letter and files it
// in the pile with the contact's postal address, for a manager to print in
// the next batch with its envelope and label. The touch is done once the
// letter is filed; its activity stays open until the letter is printed,
// emailed instead or purged. A contact without a usable address puts the
// letter on the unmailable list, the reason saying what is missing.
type LetterChannel struct {
	AnyoneReach
	Templates *templates.Set
}

var _ Channel = LetterChannel{}

// Deliver renders the step's letter template for the contact and files it.
func (l LetterChannel) Deliver(_ context.Context, d Dispatch) (Outcome, error) {
	name := d.Step.Action.Template
	body, err := l.Templates.Letter(name, d.MergeData())
	if err != nil {
		return Outcome{}, Permanent(fmt.Errorf("letter %s: %w", name, err))
	}
	c := d.Contact
	to := letters.Address{
		Name: strings.TrimSpace(c.FirstName + " " + c.LastName), Company: c.Company,
		Street: c.Street, City: c.City, Region: c.Region, PostalCode: c.PostalCode, Country: c.Country,
	}
	a := Activity{Subject: "Letter: " + name, Status: ActivityOpen}
	unmailable := MissingAddress(to)
	if unmailable != "" {
		a.Notes = "Unmailable: " + unmailable
	}
	return Outcome{Activity: a, Letter: &Letter{
		Template: name, Body: body, RepID: d.Rep.ID, To: to, Unmailable: unmailable,
		TimeZone: d.Track.Location(c.TimeZone).String(),
		Signer:   letters.Signer{Name: d.Rep.Name, Title: d.Rep.Title, Phone: d.Rep.Phone},
	}}, nil
}

// MissingAddress says what a postal address lacks to be mailed (a street, a
// city and a postal code), as "no city, no postal code", or "" when it is
// usable.
func MissingAddress(a letters.Address) string {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"street", a.Street}, {"city", a.City}, {"postal code", a.PostalCode},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, "no "+f.name)
		}
	}
	return strings.Join(missing, ", ")
}
