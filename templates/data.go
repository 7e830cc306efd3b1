package templates

import "maps"

// Data is everything a template can merge. The engine fills it for each touch;
// fields it does not know are empty strings, never missing.
type Data struct {
	Contact        Contact
	Rep            Rep      // the contact's owner, or the rep the step assigns
	Business       Business // the dealer or MSP sending the touch
	Track          Track
	Step           string // the id of the step being carried out
	UnsubscribeURL string // email only; always empty in letters
	Event          Event  // the event that enrolled the contact
}

// Contact is the person a touch goes to.
type Contact struct {
	FirstName  string
	LastName   string
	Email      string
	Company    string
	Title      string
	Phone      string
	Street     string
	City       string
	Region     string // state or province
	PostalCode string
	Country    string
	// Custom holds the contact's extra fields (other CSV columns) by name.
	// Merge them with {{index .Contact.Custom "name"}}, which gives "" for a
	// contact without that field; {{.Contact.Custom.name}} fails for such a
	// contact (see the package doc).
	Custom map[string]string
}

// Rep is the sales rep a touch speaks for.
type Rep struct {
	Name      string
	Email     string
	Phone     string
	Title     string
	Signature string // the rep's email signature, possibly several lines
}

// Business is the company sending the touch.
type Business struct {
	Name    string
	Address string // postal address on one line, as printed in email footers
	Phone   string
	Website string
}

// Track is the track a touch belongs to.
type Track struct {
	ID   string
	Name string
}

// Event describes the CRM event that enrolled the contact.
type Event struct {
	Name   string // the event name, such as sale.closed or event.attended
	Date   string // the day it happened, formatted for people ("March 3, 2026")
	Item   string // what was bought, serviced or attended
	Amount string // the sale amount, formatted ("$6,200.00"); empty when none
}

var sample = Data{
	Contact: Contact{
		FirstName:  "Dana",
		LastName:   "Whitfield",
		Email:      "dana.whitfield@harborviewdental.example",
		Company:    "Harborview Family Dental",
		Title:      "Practice Administrator",
		Phone:      "(559) 555-0187",
		Street:     "2150 W Shaw Ave, Suite 104",
		City:       "Fresno",
		Region:     "CA",
		PostalCode: "93711",
		Country:    "US",
		Custom:     map[string]string{"seats": "24", "current_provider": "in-house"},
	},
	Rep: Rep{
		Name:      "Marcus Reyes",
		Email:     "mreyes@summitridgetech.example",
		Phone:     "(559) 555-0142",
		Title:     "Account Executive",
		Signature: "Marcus Reyes\nAccount Executive, Summit Ridge Technology\n(559) 555-0142 | mreyes@summitridgetech.example",
	},
	Business: Business{
		Name:    "Summit Ridge Technology",
		Address: "418 Commerce Drive, Suite 200, Fresno, CA 93711",
		Phone:   "(559) 555-0100",
		Website: "https://www.summitridgetech.example",
	},
	Track:          Track{ID: "general-interest", Name: "General Interest"},
	Step:           "welcome",
	UnsubscribeURL: "https://dripline.summitridgetech.example/u/7f3a9c2e",
	Event: Event{
		Name:   "sale.closed",
		Date:   "March 3, 2026",
		Item:   "Managed IT Services agreement",
		Amount: "$6,200.00",
	},
}

// Sample returns complete, realistic merge data: a dental practice contact, an
// MSP's account executive and the MSP itself. Every template is checked
// against it when it is loaded; it is also handy for previews.
func Sample() Data {
	d := sample
	d.Contact.Custom = maps.Clone(sample.Contact.Custom)
	return d
}
