package main

import (
	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/web"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// openPages builds the daemon's web pages over its CRM, engine and letters
// pile and reports; logins go to the CRM's session store.
func (rt *runtime) openPages(lib *tracks.Library, set *templates.Set, clk engine.Clock) (*web.Pages, error) {
	return web.New(web.Deps{
		CRM: rt.crm, Engine: rt.engine, Sessions: rt.crm, Library: lib, Letters: rt.letters, Reports: rt.reports, Templates: set,
		PublicURL: rt.cfg.PublicURL, Clock: clk, Logger: rt.log,
	})
}
