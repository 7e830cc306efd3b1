package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/httpapi"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/tracks"
)

// openReports builds the reports and, for the daemon, the lead form, over
// the runtime's database.
func (rt *runtime) openReports(lib *tracks.Library, clk engine.Clock, withForm bool) error {
	stages := crm.DefaultStages()
	if s := strings.TrimSpace(rt.cfg.Stages); s != "" {
		var err error
		if stages, err = crm.ParseStages(s); err != nil {
			return fmt.Errorf("DRIPLINE_STAGE_PROBABILITIES: %w", err)
		}
	}
	store := postgres.NewCRM(rt.store.Pool())
	var err error
	rt.reports, err = crm.NewReports(crm.ReportsConfig{Store: store, Library: lib, Stages: stages, Clock: clk})
	if err != nil || !withForm {
		return err
	}
	territories, err := crm.ParseTerritories(rt.cfg.Territories)
	if err != nil {
		return fmt.Errorf("DRIPLINE_TERRITORIES: %w", err)
	}
	leads, err := crm.NewLeads(crm.LeadsConfig{CRM: rt.crm, Store: store, Territories: territories, Clock: clk})
	if err != nil {
		return err
	}
	rt.leadForm, err = httpapi.NewLeadForm(httpapi.LeadFormConfig{
		Leads: leads, PublicURL: rt.cfg.PublicURL, Origins: strings.Split(rt.cfg.FormOrigins, ","),
		BusinessName: rt.cfg.BusinessName, PerMinute: rt.cfg.FormRate, Clock: clk, Logger: rt.log,
	})
	if err != nil {
		return fmt.Errorf("DRIPLINE_FORM_ORIGINS: %w", err)
	}
	return nil
}

// mounts are the public handlers beside the API: the email pages
// (unsubscribe, bounce webhook) and, for the daemon, the lead form.
func (rt *runtime) mounts(pages http.Handler) map[string]http.Handler {
	m := map[string]http.Handler{"/u/": pages, "/webhooks/": pages}
	if rt.leadForm != nil {
		m["/forms/"] = rt.leadForm
	}
	return m
}
