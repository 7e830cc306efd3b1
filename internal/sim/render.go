package sim

import (
	"context"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// renderOnly stands in for the email and letter channels in a simulation: it
// renders the step's template exactly as the real channel would, so a broken
// template fails the touch, and sends nothing.
type renderOnly struct{ set *templates.Set }

func (r renderOnly) Deliver(_ context.Context, d engine.Dispatch) (engine.Outcome, error) {
	data := d.MergeData()
	var err error
	if d.Step.Channel == tracks.ChannelEmail {
		data.UnsubscribeURL = "https://unsubscribe.invalid/u/simulated"
		_, err = r.set.Email(d.Step.Action.Template, data)
	} else {
		_, err = r.set.Letter(d.Step.Action.Template, data)
	}
	if err != nil {
		return engine.Outcome{}, engine.Permanent(err)
	}
	return engine.Outcome{}, nil
}
