// Package crm is the CRM side of Dripline's PostgreSQL database: reps,
// contacts, opportunities, sales and activities, the contacts and events
// imports, and the read models the HTTP API and the command line show
// (a contact's timeline and touches, a rep's My Day).
//
// # Events
//
// Changes that matter to marketing tracks are passed on as engine events
// through an [EventSink] (the engine): a new contact sends contact.created, a
// changed one contact.updated, an opportunity that turns Won or Lost
// opportunity.won or opportunity.lost, a sale sale.closed dated at the sale.
// A single change and the enrollments its event causes share one transaction;
// imports commit their rows first and then hand the events over, several
// contacts at a time.
//
// # Errors
//
// Bad input is a [*ValidationError] naming the field (a JSON field name) and
// changes nothing. A missing row wraps [engine.ErrNotFound]; a change that does
// not fit the current state (a taken external_id, an activity completed twice)
// wraps [engine.ErrConflict]. Anything else is an internal failure.
//
// # Contact references
//
// Wherever a contact is named by a user (the API's {ref}, events CSV, the
// touches command) a reference is accepted: an external_id, else an email
// address (the oldest contact with it), else the numeric id.
package crm
