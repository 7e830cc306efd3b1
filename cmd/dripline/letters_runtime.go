package main

import (
	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/email"

	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/postgres"
)

// openLetters builds the letters service over the runtime's database. With
// mail it also connects the mail sender, for emailing letters instead.
func (rt *runtime) openLetters(clk engine.Clock, mail bool) (*crm.Letters, error) {
	opts, err := rt.cfg.LetterOptions()
	if err != nil {
		return nil, err
	}
	lc := crm.LettersConfig{
		Store: postgres.NewLetters(rt.store.Pool()), PDF: opts,
		Business: rt.cfg.Business(), Bouncer: rt.engine, Clock: clk, Logger: rt.log,
	}
	if rt.email != nil {
		lc.Mailer = rt.email
	} else if mail {
		if lc.Mailer, err = rt.openMailer(); err != nil {
			return nil, err
		}
	}
	return crm.NewLetters(lc)
}

// openMailer connects the mail sender the settings name (closed with the
// runtime) and returns the email channel over it.
func (rt *runtime) openMailer() (crm.LetterMailer, error) {
	_, set, err := engine.ReadLibrary(rt.cfg.TracksDir, rt.cfg.TemplatesDir)
	if err != nil {
		return nil, err
	}
	if rt.sender, err = newSender(rt.cfg, rt.log, nil, nil); err != nil {
		return nil, err
	}
	return email.NewChannel(emailConfig(rt.cfg, set, rt.sender, rt.log))
}
