package engine

import (
	"errors"

	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// LibraryOptions checks tracks against a template set: every template a step
// names exists, and every call or task subject and notes renders.
func LibraryOptions(set *templates.Set) tracks.Options {
	return tracks.Options{
		TemplateExists: func(ch tracks.Channel, name string) bool {
			spec, _ := tracks.Spec(ch)
			return set.Has(templates.Kind(spec.TemplateKind), name)
		},
		CheckText: func(text string) error {
			_, err := templates.RenderText("text", text, templates.Sample())
			if e, ok := errors.AsType[*templates.Error](err); ok {
				return errors.New(e.Msg) // the track's position says where
			}
			return err
		},
	}
}

// ReadLibrary loads the templates (the embedded ones plus templatesDir) and
// the tracks (tracksDir, else the embedded library), checking every track
// against the templates with LibraryOptions.
func ReadLibrary(tracksDir, templatesDir string) (*tracks.Library, *templates.Set, error) {
	set, err := templates.Load(templatesDir)
	if err != nil {
		return nil, nil, err
	}
	lib, err := tracks.DirOrDefault(tracksDir, LibraryOptions(set))
	return lib, set, err
}
