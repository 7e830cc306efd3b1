package email

import (
	"context"
	"fmt"
)

// Check opens one connection the way sending does (connect, EHLO, STARTTLS
// when configured, AUTH with credentials) and ends it with QUIT. Its error
// names the server and carries its reply, for an operator to read. A
// refusal of our session also starts an outage, so sending waits for the
// server rather than trying every touch.
func (s *SMTPSender) Check(ctx context.Context) error {
	c, err := s.dial(ctx)
	if err != nil {
		if refusesSession(err) {
			s.gate.mu.Lock()
			s.gate.refused(false, err)
			s.gate.mu.Unlock()
		}
		return fmt.Errorf("smtp %s (%s): %w", s.addr, s.cfg.TLS, err)
	}
	if err := s.quit(c); err != nil {
		return fmt.Errorf("smtp %s: quit: %w", s.addr, err)
	}
	return nil
}
