package engine

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/templates"
)

// LetterChannel carries out letter steps: it renders the letter and leaves it
// waiting for a manager to print it in the next batch with its envelope and
// label. The touch is done once the letter waits; printing is a batch job.
type LetterChannel struct {
	PostalReach
	Templates *templates.Set
}

var _ Channel = LetterChannel{}

// Deliver renders the step's letter template for the contact.
func (l LetterChannel) Deliver(_ context.Context, d Dispatch) (Outcome, error) {
	body, err := l.Templates.Letter(d.Step.Action.Template, d.MergeData())
	if err != nil {
		return Outcome{}, Permanent(fmt.Errorf("letter %s: %w", d.Step.Action.Template, err))
	}
	return Outcome{
		Activity: Activity{Subject: "Letter: " + d.Step.Action.Template, Status: ActivityDone},
		Letter:   &Letter{Template: d.Step.Action.Template, Body: body},
	}, nil
}
