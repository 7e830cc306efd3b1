// Package smtptest runs a small, real SMTP server on 127.0.0.1 for tests.
//
// The server speaks SMTP through github.com/emersion/go-smtp, records every
// message it accepts (envelope sender, recipients, raw data and the connection
// that carried it) and counts the connections it accepts, so a test can prove
// that a client reuses its connections.
//
// A test can make it refuse mail: with a given code on RCPT or DATA for given
// addresses (FailRcpt, FailData) or for the next n messages (FailNext). It can
// drop the connection right after it accepted a message (DropAfterData), which
// is what a client sees when the server goes away between accepting the
// message and answering the next command, and drop every open connection
// (DropConnections), as a server does with idle ones. It can refuse every
// EHLO and HELO (FailHelo, as Postfix's reject_non_fqdn_helo_hostname does),
// offer STARTTLS with a test's certificate (WithTLS), and it counts the
// connections ended with QUIT (Quits) and records whether MAIL FROM asked
// for SMTPUTF8.
//
// Nothing in the package sleeps: sending is synchronous, so a message is
// recorded before the client reads the reply to its DATA. WaitMessages waits
// on a channel, with a generous timeout only as a failure guard, for tests
// whose sender runs in another goroutine.
package smtptest
