package report

import (
	"cmp"
	"time"

	"github.com/dripline/dripline/engine"
)

// Touch is one touch as simulate and touches print it.
type Touch struct {
	Contact string `json:"contact"` // Label of the contact
	Track   string `json:"track"`
	Step    string `json:"step"`
	Channel string `json:"channel"`
	Due     string `json:"due"`     // see FormatDue
	Outcome string `json:"outcome"` // see Outcome
	Reason  string `json:"reason"`  // why it was skipped, canceled or failed
}

// Pending is the outcome of a touch not carried out yet.
const Pending = "pending"

// FormatDue writes a due time as Touch.Due does: RFC 3339 in UTC.
func FormatDue(due time.Time) string { return due.UTC().Format(time.RFC3339) }

// Label names a contact on a touch line: its external_id, else its email.
func Label(c engine.Contact) string { return cmp.Or(c.ExternalID, c.Email) }

// Outcome is the word a touch in state s shows as: the final state itself
// (done, skipped, canceled or failed), else Pending.
func Outcome(s engine.TouchState) string {
	if !s.Final() {
		return Pending
	}
	return string(s)
}
