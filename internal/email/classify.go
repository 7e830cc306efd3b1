package email

import (
	"errors"
	"net/textproto"
	"strings"

	"github.com/dripline/dripline/engine"
	gomail "github.com/wneessen/go-mail"
)

// classify turns the outcome of one go-mail send into what the engine needs
// (Send has already made a delivered message's error nil, even when a later
// command failed, such as a RSET after an accepted DATA): nil for none; an
// *engine.SuppressError for a hard bounce; engine.Permanent for any other
// 5xx or a message go-mail cannot
// send; engine.Deferred for a 4xx reply, retried after its backoff; and the
// error unmarked, so the touch is retried, for network errors, which carry
// no SMTP code. A 5xx refusing the session never
// gets here: the sender's gate takes it as an outage (refusesSession).
func classify(m *gomail.Msg, err error) error {
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return err
	}
	code := se.ErrorCode()
	switch {
	case code >= 500 && se.Reason == gomail.ErrSMTPRcptTo && hardBounce(code, se.EnhancedStatusCode()):
		return &engine.SuppressError{Email: recipient(m), Reason: engine.SuppressHardBounce, Err: err}
	case code >= 500:
		return engine.Permanent(err)
	case code >= 400:
		return engine.Deferred(err)
	case se.Reason == gomail.ErrGetSender, se.Reason == gomail.ErrGetRcpts, se.Reason == gomail.ErrNoUnencoded:
		return engine.Permanent(err)
	}
	return err
}

// replyCode is the SMTP reply that ended a send: 250 when the message was
// delivered, the failing reply's code (also while connecting), or 0 when no
// reply came.
func replyCode(m *gomail.Msg, err error) int {
	if err == nil || m.IsDelivered() {
		return 250
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	var te *textproto.Error // a refusal while connecting: greeting, EHLO, AUTH
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// hardBounce reports whether a 5xx reply to RCPT says that the address itself
// is bad (RFC 3463: X.1.x addressing status, X.2.1 mailbox disabled) rather
// than refusing for policy or system reasons (X.7.x relay denied or spam
// block, X.3.x …), which say nothing about the address and must not suppress
// it. Without an enhanced code, 550, 551 and 553 count as hard bounces.
func hardBounce(code int, enhanced string) bool {
	if enhanced == "" {
		return code == 550 || code == 551 || code == 553
	}
	return strings.HasPrefix(enhanced, "5.1.") || enhanced == "5.2.1"
}

// stale reports whether a reused connection failed before the server took
// anything: dropped while idle (no SMTP code on MAIL FROM) or closing (421).
func stale(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	code := se.ErrorCode()
	return se.Reason == gomail.ErrConnCheck || (se.Reason == gomail.ErrSMTPMailFrom && (code == 0 || code == 421))
}

// reusable reports whether the connection can carry another message: after
// success, or after a reply that ends just this transaction.
func reusable(m *gomail.Msg, err error) bool {
	if err == nil {
		return true
	}
	var se *gomail.SendError
	if m.IsDelivered() || !errors.As(err, &se) {
		return false
	}
	code := se.ErrorCode()
	if code < 400 || code == 421 {
		return false
	}
	switch se.Reason {
	case gomail.ErrSMTPMailFrom, gomail.ErrSMTPRcptTo, gomail.ErrSMTPDataClose:
		return true
	}
	return false
}

// recipient is the message's (single) recipient address.
func recipient(m *gomail.Msg) string {
	to := m.GetAddrHeader(gomail.HeaderTo)
	if len(to) == 0 {
		return ""
	}
	return to[0].Address
}
