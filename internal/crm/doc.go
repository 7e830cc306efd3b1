// Package crm is the CRM side's rules: reps, contacts, opportunities, sales
// and activities, the contacts and events imports, and the read models the
// HTTP API and the command line show (a contact's timeline and touches, a
// rep's My Day). [Service] holds the rules; it keeps its rows behind ports
// of its own and imports no adapter.
//
// # Layout
//
//   - ports.go: the ports the rules need. [Store] reads and opens a [Tx];
//     [Reader] and [Writer] list what is read and what is changed. Their
//     types are this package's (or the engine's model): no SQL, no pgx.
//   - service.go: [Service], built by [New] over a Store and an [EventSink]
//     (the engine), with its clock and logger.
//   - one file per subject for the rules: contacts.go, import_contacts.go,
//     events.go, reps.go, opportunities.go, sales.go, activities.go,
//     myday.go, timeline.go; the user-facing input shapes beside them
//     (contact_fields.go, decimal.go), errors.go for [ValidationError].
//   - letters*.go: the managers' pile of printed letters, [Letters], a
//     service of its own because it needs more than the Store: its port
//     [LetterStore] (postgres.Letters, internal/postgres/letters*.go), a
//     [RenderPDF] (default letters.Render) and a [LetterMailer] (the email
//     channel) for emailing letters instead.
//   - the adapter: internal/postgres implements the ports (postgres.CRM, in
//     its crm*.go files, one per subject) with a compile-time check
//     var _ crm.Store = (*postgres.CRM)(nil). Only cmd/dripline wires the
//     two: crm.New(postgres.NewCRM(pool), crm.Options{Sink: engine, …}).
//
// # Adding a subject
//
// A new subject (reports) follows the same pattern: its
// rules in this package (letters.go, …) as methods of [Service] taking an
// [Actor]; the reads and writes they need as methods added to [Reader] or
// [Writer] (or a small port of its own in its file, implemented beside
// postgres.CRM), in this package's types; the SQL in internal/postgres
// (crm_letters.go). Validation and defaults stay here; the adapter stores
// what it is given. Every change runs in [Store.Tx], and the events it
// causes go to the sink through that same Tx (see Events).
//
// # Reports, campaigns and leads
//
// [Reports] builds the managers' reports (reports.go, report_build.go,
// report_rows.go) over a [ReportStore]: the store counts, the rules here
// fill the calendar (days, ISO weeks, months in the asked zone, as
// [Calendar] starts the store buckets by), the quotas, the stage
// probabilities ([Stages]), ROI and who a step assigns. A sales rep sees its own
// rows, by the scope in access.go. Campaigns are [Service.AddCampaign] and
// [Service.ListCampaigns]. [Leads] captures web leads over the Service
// (contacts and activities as the API makes them) and a [LeadStore]
// (repeats, the round-robin turn); [Territories] pick owners first.
//
// # Who acts
//
// Every method that acts for someone or reads on someone's behalf takes an
// [Actor]: the rep behind an API request, or [System] for the daemon and
// the command line. What each role may do is written once, in access.go:
// [Allow] checks a [Permission] ([ErrForbidden] otherwise), and a sales
// rep's scope (its own contacts) is applied where contact references are
// resolved (Service.resolve), where contacts and activities are listed, and
// where an opportunity or activity is read by id — what it may not see is
// not found, so its existence does not leak.
//
// # Users
//
// Users are reps. users.go issues API tokens (32 random bytes, shown once,
// kept as a SHA-256 hash beside a short public prefix), revokes them and
// tells who a token stands for ([Service.Authenticate], a *[AuthError]
// otherwise). sessions.go keeps the web pages' sessions the same way
// (the cookie's id hashed, a CSRF token per session, expiry, logout) and
// passwords as bcrypt hashes. suppressions.go lists the suppression list
// and lifts an address with a reason, kept in its history.
//
// # Events
//
// Changes that matter to marketing tracks are passed on as engine events
// through an [EventSink] (the engine): a new contact sends contact.created, a
// changed one contact.updated, an opportunity that turns Won or Lost
// opportunity.won or opportunity.lost, a sale sale.closed dated at the sale
// (and makes its contact a customer). A single change and the enrollments
// its event causes share one transaction: the rules hand the sink
// [Tx.Engine], the same transaction as the engine sees it. Imports stream:
// a batch of rows at a time is written in one transaction with the events
// it causes, handed to the sink together (EventSink.HandleEventsIn). A
// contacts import has two batches at the store at once, committing in file
// order ([Service.Import]).
//
// # Errors
//
// Bad input is a [*ValidationError] naming the field (a JSON field name) and
// changes nothing. A missing row wraps [engine.ErrNotFound]; a change that does
// not fit the current state (a taken external_id, an activity completed twice)
// wraps [engine.ErrConflict]. Anything else is an internal failure.
//
// # Contact references and owners
//
// Wherever a contact is named by a user (the API's {ref}, events CSV, the
// touches command) a reference is accepted: an external_id, else an email
// address (the oldest contact with it), else the numeric id. A contact's
// owner is a rep's username, created if unknown, whether the contact comes
// from the API or an import; the rep of an opportunity, sale or activity
// must exist.
package crm
