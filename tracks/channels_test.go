package tracks_test

import (
	"slices"
	"testing"

	"github.com/dripline/dripline/tracks"
)

func TestChannelRegistry(t *testing.T) {
	t.Parallel()
	var names []tracks.Channel
	for _, c := range tracks.Channels() {
		names = append(names, c.Name)
		got, ok := tracks.Spec(c.Name)
		if !ok || got.Name != c.Name {
			t.Errorf("Spec(%s) = %+v, %v", c.Name, got, ok)
		}
		if c.DefaultActivity == "" || !slices.Contains(c.Keys(), "activity") {
			t.Errorf("%s: no default activity, or its action takes no activity: %+v %v", c.Name, c, c.Keys())
		}
		if (c.Action == tracks.ActionTemplate) != (c.TemplateKind != "") || c.From && c.Action != tracks.ActionTemplate {
			t.Errorf("%s: template kind %q does not fit action %d (from %v)", c.Name, c.TemplateKind, c.Action, c.From)
		}
	}
	want := []tracks.Channel{tracks.ChannelEmail, tracks.ChannelLetter, tracks.ChannelCall, tracks.ChannelTask}
	if !slices.Equal(names, want) {
		t.Errorf("channels = %v, want %v in that order", names, want)
	}
	if _, ok := tracks.Spec("fax"); ok {
		t.Error("Spec found an unregistered channel")
	}
}
