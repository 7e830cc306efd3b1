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
