package smtptest

// sessionFaults refuse whole sessions rather than messages. They are read
// under Server.mu.
type sessionFaults struct {
	helo int // code answering every EHLO and HELO; 0: none
}

// FailHelo makes every EHLO and HELO answer code (504 is what Postfix's
// reject_non_fqdn_helo_hostname says) until Clear or FailHelo(0).
func (s *Server) FailHelo(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.session.helo = code
}

// heloFault is the refusal for EHLO or HELO, or nil.
func (s *Server) heloFault() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session.helo == 0 {
		return nil
	}
	return Reply(s.session.helo)
}
