package engine

import (
	"context"
	"fmt"

	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// TaskChannel carries out call and task steps: it opens an activity for the
// rep, due at the touch's due time, that shows in the rep's My Day until the
// rep completes it.
type TaskChannel struct{ AnyoneReach }

var _ Channel = TaskChannel{}

// Deliver renders the step's subject and notes and returns the open activity;
// the engine fills in its type, rep and due time.
func (TaskChannel) Deliver(_ context.Context, d Dispatch) (Outcome, error) {
	data := d.MergeData()
	subject, err := templates.RenderText(d.Step.ID+".subject", d.Step.Action.Subject, data)
	if err != nil {
		return Outcome{}, Permanent(fmt.Errorf("step %s subject: %w", d.Step.ID, err))
	}
	notes, err := templates.RenderText(d.Step.ID+".notes", d.Step.Action.Notes, data)
	if err != nil {
		return Outcome{}, Permanent(fmt.Errorf("step %s notes: %w", d.Step.ID, err))
	}
	return Outcome{Activity: Activity{Subject: subject, Notes: notes, Status: ActivityOpen}}, nil
}

// TaskChannels returns the built-in channels for call and task steps.
func TaskChannels() map[tracks.Channel]Channel {
	return map[tracks.Channel]Channel{tracks.ChannelCall: TaskChannel{}, tracks.ChannelTask: TaskChannel{}}
}
