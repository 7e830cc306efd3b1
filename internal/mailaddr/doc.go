// Package mailaddr checks the email addresses users give for contacts and
// reps, in CSV imports and through the API, so every way in accepts the same
// addresses: a bare one such as name@example.com, without a display name or
// angle brackets.
package mailaddr
