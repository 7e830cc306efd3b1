package letters

import "time"

// Paper is the sheet size letters and label sheets print on. Envelopes are
// always #10 (9.5 × 4.125 in).
type Paper string

// The paper sizes DRIPLINE_PAPER accepts.
const (
	PaperLetter Paper = "letter" // US Letter, 8.5 × 11 in (default)
	PaperA4     Paper = "a4"     // A4, 210 × 297 mm
)

// Address is a postal address block: a person, an optional company, the
// street, city, region, postal code and country.
type Address struct {
	Name       string
	Company    string
	Street     string
	City       string
	Region     string
	PostalCode string
	Country    string
}

// Sender is the business whose letterhead and return address a batch
// carries.
type Sender struct {
	Name    string
	Address Address
	Phone   string
}

// Signer is the rep who signs a letter. A signer without a name signs with
// the sender's business name.
type Signer struct {
	Name  string
	Title string
	Phone string
}

// Letter is one letter of a batch.
type Letter struct {
	Date time.Time // the date printed, in Date's location (the contact's zone)
	To   Address
	Body string // the text as rendered when the letter fell due; a blank line separates paragraphs
	From Signer
}

// Options configure the PDF of a batch. The zero value prints on US Letter
// with no business name and no printer offset.
type Options struct {
	Paper  Paper
	Sender Sender
	// LabelOffsetX and LabelOffsetY shift everything printed on a label sheet,
	// in millimetres, to calibrate a printer that feeds off true.
	LabelOffsetX float64
	LabelOffsetY float64
	// Progress, when set, is called as the batch renders, after each chunk
	// joins the PDF, with how many pieces are done of how many: each letter,
	// envelope and label counts one, so total is three a letter. The last
	// call has done == total. Render calls it from its own goroutine, one
	// call at a time.
	Progress func(done, total int)
}
