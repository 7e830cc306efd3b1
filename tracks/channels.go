package tracks

import "strings"

// ActionKind says what a channel's step action looks like.
type ActionKind int

// The kinds of step action.
const (
	// ActionTemplate renders a named template: keys template (required) and
	// activity, plus from when the channel takes a sender.
	ActionTemplate ActionKind = iota + 1
	// ActionAssign opens an activity for a rep: keys assign (default owner),
	// subject (required), notes and activity.
	ActionAssign
)

// ChannelSpec is what the track language knows about one channel.
type ChannelSpec struct {
	Name   Channel
	Action ActionKind
	// From: the action takes `from:`, a sender address (ActionTemplate only).
	From bool
	// TemplateKind is the kind of template an ActionTemplate step names, as
	// the templates package calls it ("email", "letter").
	TemplateKind string
	// DefaultActivity is the activity type logged for a step naming none.
	DefaultActivity string
}

// registry lists every channel a step may use, in the order messages and
// reports show them. Adding a channel is one entry here plus an
// engine.Channel that carries it out.
var registry = []ChannelSpec{
	{Name: ChannelEmail, Action: ActionTemplate, From: true, TemplateKind: "email", DefaultActivity: "Marketing Track Email"},
	{Name: ChannelLetter, Action: ActionTemplate, TemplateKind: "letter", DefaultActivity: "Marketing Track Letter"},
	{Name: ChannelCall, Action: ActionAssign, DefaultActivity: "Marketing Track Activity Call"},
	{Name: ChannelTask, Action: ActionAssign, DefaultActivity: "Marketing Track Task"},
}

// Channels returns every registered channel, in registry order.
func Channels() []ChannelSpec {
	out := make([]ChannelSpec, len(registry))
	copy(out, registry)
	return out
}

// Spec returns the registered channel named ch; ok is false when there is none.
func Spec(ch Channel) (ChannelSpec, bool) {
	for _, s := range registry {
		if s.Name == ch {
			return s, true
		}
	}
	return ChannelSpec{}, false
}

// Keys lists the keys the channel's action accepts.
func (s ChannelSpec) Keys() []string {
	if s.Action == ActionAssign {
		return []string{"assign", "subject", "notes", "activity"}
	}
	if s.From {
		return []string{"template", "from", "activity"}
	}
	return []string{"template", "activity"}
}

// channelNames lists the registered channel names as strings.
func channelNames() []string {
	names := make([]string, len(registry))
	for i, s := range registry {
		names[i] = string(s.Name)
	}
	return names
}

// channelChoice lists the channel names for a message: "email, letter, call or task".
func channelChoice() string {
	names := channelNames()
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// article returns the channel with "a" or "an" before it.
func article(ch Channel) string {
	if strings.ContainsAny(string(ch)[:1], "aeiou") {
		return "an " + string(ch)
	}
	return "a " + string(ch)
}
