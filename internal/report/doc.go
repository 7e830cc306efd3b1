// Package report is the touch line that `dripline simulate` and `dripline
// touches` print, one JSON object a line, in the shape DESIGN.md fixes:
//
//	{"contact":"c-17","track":"after-sale","step":"day-4","channel":"call","due":"2026-02-04T17:00:00Z","outcome":"done","reason":""}
//
// The simulation fills it from its in-memory store and the CRM store from
// PostgreSQL; both use Touch, Label, FormatDue and Outcome so the two print alike.
package report
