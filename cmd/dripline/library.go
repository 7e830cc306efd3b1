package main

import (
	"errors"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// loadLibrary loads the templates (embedded plus --templates) and the tracks
// (--tracks, else the embedded library), checking that every template a track
// names exists.
func loadLibrary(cfg *config.Config) (*tracks.Library, *templates.Set, error) {
	set, err := templates.Load(cfg.TemplatesDir)
	if err != nil {
		return nil, nil, err
	}
	opts := libraryOptions(set)
	if cfg.TracksDir != "" {
		lib, err := tracks.LoadDir(cfg.TracksDir, opts)
		return lib, set, err
	}
	lib, err := tracks.Default(opts)
	return lib, set, err
}

// libraryOptions checks tracks against a template set: every template a step
// names exists, and every call or task subject and notes renders.
func libraryOptions(set *templates.Set) tracks.Options {
	return tracks.Options{
		TemplateExists: func(ch tracks.Channel, name string) bool { return set.Has(templates.Kind(ch), name) },
		CheckText: func(text string) error {
			_, err := templates.RenderText("text", text, templates.Sample())
			if e, ok := errors.AsType[*templates.Error](err); ok {
				return errors.New(e.Msg) // the track's position says where
			}
			return err
		},
	}
}

// business is the merge data about the business sending the touches.
func business(cfg *config.Config) templates.Business {
	return templates.Business{Name: cfg.BusinessName, Address: cfg.BusinessAddr, Phone: cfg.BusinessTel}
}
