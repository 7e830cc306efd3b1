package main

import (
	"github.com/dripline/dripline/engine"
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
	opts := engine.LibraryOptions(set)
	if cfg.TracksDir != "" {
		lib, err := tracks.LoadDir(cfg.TracksDir, opts)
		return lib, set, err
	}
	lib, err := tracks.Default(opts)
	return lib, set, err
}

// business is the merge data about the business sending the touches.
func business(cfg *config.Config) templates.Business {
	return templates.Business{Name: cfg.BusinessName, Address: cfg.BusinessAddr, Phone: cfg.BusinessTel}
}
