// Package httpapi is Dripline's JSON API over net/http: contacts and their
// imports, opportunities, sales, events, enrollments, activities, a
// contact's timeline and touches, and a rep's My Day. [New] builds the
// handler; the unsubscribe page and the bounce webhook are mounted beside it.
//
// # Errors
//
// Every failure is a JSON object {"error": "..."}; bad input also names the
// field, {"error": "...", "field": "email"}, and changes nothing. One function
// maps errors to statuses: bad input 400 (an over-long body 413, a wrong
// content type 415), a missing row 404, a change that does not fit the
// current state 409, anything else 500 with "internal error", logged with
// the request.
//
// # Who acts
//
// Every /api/ request acts for someone: Deps.Actor tells who (crm.System for
// every request until API tokens plug in there), and each handler passes
// that crm.Actor on to the [CRM] it calls; an error from Deps.Actor refuses
// the request before anything is read or changed.
package httpapi
