package email

import (
	"errors"
	"fmt"
	"log/slog"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"github.com/dripline/dripline/engine"
	gomail "github.com/wneessen/go-mail"
)

// Backoff between tries of a transport that refuses our sessions.
const (
	outageFirstRetry = 5 * time.Second
	outageMaxRetry   = 5 * time.Minute
)

// Clock tells the time; engine.Clock and the clocks of internal/clock are one.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// gate pauses sending while the server refuses our sessions (an outage of
// the transport): one send at a time tries again, with a doubling backoff;
// the others fail at once without reaching the server. It logs one ERROR
// when an outage starts and one INFO when it ends, and then calls resumed.
type gate struct {
	clock   Clock
	log     *slog.Logger
	addr    string
	resumed ResumeObserver // optional; see Config.Resumed

	mu      sync.Mutex
	down    bool
	since   time.Time
	cause   error
	retryAt time.Time
	backoff time.Duration
	probing bool
}

// admit reports whether a send may go to the server now. While the
// transport is down it lets one send through, the probe, once the backoff
// has passed and returns an engine.Outage error to the rest.
func (g *gate) admit() (probe bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.down {
		return false, nil
	}
	if g.probing || g.clock.Now().Before(g.retryAt) {
		return false, engine.Outage(fmt.Errorf("email delivery paused: the server has refused our sessions since %s (next try %s): %w",
			g.since.UTC().Format(time.RFC3339), g.retryAt.UTC().Format(time.RFC3339), g.cause))
	}
	g.probing = true
	return true, nil
}

// done records how an admitted send ended and returns err, marked
// engine.Outage when the server refused the session. While the transport is
// down, a send that got past MAIL FROM ends the outage; one that failed
// before (a dropped connection) proves nothing: a probe's next try waits
// out the backoff. Only a refused probe doubles the backoff, not the sends
// that were already under way when the outage began. The end of an outage
// is told to resumed once mu is released.
func (g *gate) done(probe bool, err error) error {
	ended := false
	defer func() {
		if ended && g.resumed != nil {
			g.resumed.Resumed()
		}
	}()
	g.mu.Lock()
	defer g.mu.Unlock()
	if probe {
		g.probing = false
	}
	switch {
	case refusesSession(err):
		g.refused(probe, err)
		return engine.Outage(err)
	case !g.down:
	case err == nil || pastMailFrom(err):
		g.log.Info("SMTP server accepts our sessions again: email delivery resumed", "smtp", g.addr,
			"down_for", g.clock.Now().Sub(g.since).Round(time.Second).String())
		g.down, g.cause, ended = false, nil, true
	case probe:
		g.retryAt = g.clock.Now().Add(g.backoff)
	}
	return err
}

// pastMailFrom reports whether err is a reply to a command after MAIL FROM:
// the server accepted the session and refused only the message.
func pastMailFrom(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) || se.ErrorCode() == 0 {
		return false
	}
	switch se.Reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		return true
	}
	return false
}

// refused starts an outage, or backs off further in one when its probe was
// refused. Called under mu.
func (g *gate) refused(probe bool, err error) {
	now := g.clock.Now()
	switch {
	case !g.down:
		g.down, g.since, g.backoff = true, now, outageFirstRetry
		g.log.Error("SMTP server refuses our sessions: email delivery paused until it accepts them again; touches stay queued",
			"smtp", g.addr, "err", err)
	case probe:
		g.backoff = min(2*g.backoff, outageMaxRetry)
	default:
		return // a send from before the outage began: the backoff stands
	}
	g.cause, g.retryAt = err, now.Add(g.backoff)
}

// refusesSession reports whether err is a 5xx that refuses our session
// rather than this message: any 5xx while connecting (the greeting, EHLO or
// HELO, STARTTLS, AUTH) or to MAIL FROM; 530 (authentication required) at
// any stage; and a 5.5.x reply to RCPT, which is about the protocol, not the
// address (Postfix delays its HELO restrictions, so reject_non_fqdn_helo_hostname
// answers RCPT with 504 5.5.2). Other 5xx replies to RCPT (5.1.x bad
// mailbox, 5.7.x policy) and to DATA stay the message's own.
func refusesSession(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case code < 500:
			return false
		case code == 530, se.Reason == gomail.ErrSMTPMailFrom:
			return true
		case se.Reason == gomail.ErrSMTPRcptTo:
			return strings.HasPrefix(se.EnhancedStatusCode(), "5.5.")
		}
		return false
	}
	var dial *dialError
	var te *textproto.Error
	return errors.As(err, &dial) && errors.As(err, &te) && te.Code >= 500
}

// dialError is a failure to open a connection: connect, greeting, EHLO,
// STARTTLS or AUTH.
type dialError struct{ err error }

func (e *dialError) Error() string { return "connect: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }
