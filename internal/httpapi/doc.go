// Package httpapi is Dripline's JSON API over net/http: contacts and their
// imports, opportunities, sales, events, enrollments, activities, a
// contact's timeline and touches, a rep's My Day, campaigns and the
// reports (reports.go). [New] builds the handler; the unsubscribe page, the
// bounce webhook and the public lead form ([NewLeadForm], forms.go) are
// mounted beside it.
//
// # Errors
//
// Every failure is a JSON object {"error": "..."}; bad input also names the
// field, {"error": "...", "field": "email"}, and changes nothing. One function
// maps errors to statuses: bad input 400 (an over-long body 413, a wrong
// content type 415), no valid credentials 401, outside the role 403, a
// missing row 404, a change that does not fit the
// current state 409, anything else 500 with "internal error", logged with
// the request.
//
// # Who acts
//
// Every /api/ request acts for someone: Deps.Actor tells who — [Bearer]
// reads `Authorization: Bearer TOKEN` and asks the CRM — and each handler
// passes that crm.Actor on to the [CRM] it calls, which decides what the
// actor may do. An error from Deps.Actor refuses the request before
// anything is read or changed: a *crm.AuthError is 401 with
// `WWW-Authenticate: Bearer`; without Deps.Actor every /api/ request is.
// A role's refusal (crm.ErrForbidden) is 403. A request with a body must
// declare it application/json (text/csv for the imports), else 415, so a
// page in a rep's browser cannot post to the API as a plain form. GET
// handlers only read.
package httpapi
