package tracks_test

import (
	"errors"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// TestDefaultLibraryValidates loads the embedded library with every check,
// against the embedded templates, the way `dripline tracks validate` does.
func TestDefaultLibraryValidates(t *testing.T) {
	set, err := templates.Default()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.Default(engine.LibraryOptions(set))
	if err != nil {
		t.Fatalf("default library:\n%v", err)
	}
	byKind := map[tracks.Kind]int{}
	for _, tr := range lib.Tracks() {
		byKind[tr.Kind]++
	}
	for _, k := range []tracks.Kind{tracks.KindGeneralInterest, tracks.KindIndustry, tracks.KindValueAdd, tracks.KindEvent, tracks.KindLostSale, tracks.KindAfterSale} {
		if byKind[k] == 0 {
			t.Errorf("no %s track in the default library", k)
		}
	}
	if after, ok := lib.Track("after-sale"); !ok || after.Anchor != tracks.AnchorEvent {
		t.Errorf("after-sale track missing or not anchored on the event")
	}
	var list tracks.ErrorList
	if _, err := tracks.Default(tracks.Options{TemplateExists: func(tracks.Channel, string) bool { return false }}); !errors.As(err, &list) || len(list) == 0 {
		t.Errorf("Default with no templates: %v, want an ErrorList", err)
	}
}
