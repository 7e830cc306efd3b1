package main

import (
	"context"
	"log/slog"

	"github.com/dripline/dripline/internal/email"
)

// checkSMTP tries the SMTP server once at start and says plainly what is
// wrong. The daemon starts anyway: a mail server that is down for a while
// must not stop calls, tasks and letters, and email waits for it (the
// sender's outage backoff) rather than failing.
func checkSMTP(ctx context.Context, sender email.Sender, log *slog.Logger) {
	s, ok := sender.(*email.SMTPSender)
	if !ok {
		return
	}
	if err := s.Check(ctx); err != nil {
		log.ErrorContext(ctx, "SMTP check failed: starting anyway; emails wait and are retried until the server accepts them", "err", err)
		return
	}
	log.InfoContext(ctx, "SMTP check passed")
}
