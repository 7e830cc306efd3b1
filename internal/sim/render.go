package sim

import (
	"context"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/templates"
)

// renderOnly stands in for the email channel in a simulation: it reaches the
// same contacts, renders the step's template exactly as the real channel
// would, so a broken template fails the touch, and sends nothing.
type renderOnly struct {
	engine.EmailReach
	set *templates.Set
}

func (r renderOnly) Deliver(_ context.Context, d engine.Dispatch) (engine.Outcome, error) {
	data := d.MergeData()
	data.UnsubscribeURL = "https://unsubscribe.invalid/u/simulated"
	if _, err := r.set.Email(d.Step.Action.Template, data); err != nil {
		return engine.Outcome{}, engine.Permanent(err)
	}
	return engine.Outcome{}, nil
}
