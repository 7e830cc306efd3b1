// Package email is Dripline's email channel: it renders a step's template,
// builds a compliant message and sends it over SMTP or writes it to a folder.
//
// # Sending
//
// Channel implements engine.Channel for email steps. For each touch it checks
// the contact's address, picks the sender (the step's from, else the
// contact's rep, else the default sender), renders the template with the
// touch's merge data and an unsubscribe link, makes sure the footer carries
// the link and the business's postal address, and sets a Message-ID derived
// from the touch id alone (MessageID), so that a resend after a crash is the
// same message. The message always has a plain-text part, plus an HTML
// alternative when the template has one.
//
// A Sender carries the message: SMTPSender (go-mail, a small pool of reused
// connections, a rate limit and a cap on connections; see ParseURL for
// SMTP_URL) or FileSender, the development transport, which writes
// <message-id>.eml files.
//
// # Failures
//
// Errors follow the engine's contract: plain errors are retried with backoff
// (4xx replies, network and dial errors); engine.Permanent fails the touch (a
// bad address, a template that cannot render, any other 5xx); a 5xx reply to
// RCPT that says the address is bad is an *engine.SuppressError (a hard
// bounce, which also suppresses the address). A message the server accepted
// counts as sent even if a later command on the connection failed.
//
// A 5xx that refuses the session rather than the message (the greeting,
// EHLO, STARTTLS, AUTH, MAIL FROM, a 530, a 5.5.x reply to RCPT) is an outage
// of the transport, marked engine.Outage: it is logged once at ERROR, the
// sender stops reaching the server but for one try after a doubling backoff
// (5s to 5m), and the engine retries the touches however long it lasts,
// without counting those tries toward their attempts. Config.Resumed hears
// when the server accepts our sessions again (the daemon then runs the email
// queue's retries at once).
// SMTPSender.Check tries the server once, as `dripline serve` does at start.
//
// # Envelope and connections
//
// With a bounce address the envelope sender is VERP(bounce, touch id), which
// ParseVERP reads back. SMTPUTF8 is asked for only when an envelope address
// is not ASCII. Idle connections are ended with QUIT after IdleTimeout, and
// the rest on Close.
//
// # Unsubscribing
//
// Every message has List-Unsubscribe with a link under the public URL and,
// when that URL is HTTPS (as it must be in production), RFC 8058's
// List-Unsubscribe-Post: List-Unsubscribe=One-Click. The link carries a token
// (Sign, Verify) holding the address and an HMAC, so it works without login or
// database lookups. Handlers serves it: GET only asks for confirmation (mail
// scanners follow links), POST unsubscribes through an Unsubscriber. Handlers
// also takes bounce reports from the mail provider on POST /webhooks/bounce.
package email
