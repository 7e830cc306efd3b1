// Package postgres is the PostgreSQL adapter of the engine: it implements
// engine.Store and engine.Tx with pgx v5 and applies the schema migrations
// embedded in the binary.
//
// # Opening and migrating
//
//	s, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"))
//	…
//	defer s.Close()
//	err = postgres.Migrate(ctx, s.Pool())
//
// Migrations are the numbered files in migrations/ (0001_init.sql, …). Each
// runs once, in its own transaction, and is recorded in schema_migrations.
// Daemons that start together wait for each other on an advisory lock, so
// every one may call Migrate on start. A schema change is a new file with the
// next number; applied files are never edited.
//
// # Concurrency
//
// Every method is safe to call from several goroutines and several
// processes. QueueDue and Requeue hand each touch to one caller (FOR UPDATE
// SKIP LOCKED); Claim leases a touch to one worker; BulkEnroll and
// CreateEnrollment rely on a unique index allowing one open enrollment per
// contact and track; SaveTrack serializes saves of one track on an advisory
// lock. State changes are guarded by the state they start from: a final
// touch or an ended enrollment stays as it is, and changing it fails with
// engine.ErrConflict. Missing rows give engine.ErrNotFound. Both are wrapped
// with context; test them with errors.Is.
//
// # Time
//
// Every instant the engine reads (due, lease, finished, ended, queued) comes
// from the caller, whose clock may be virtual; the database clock only fills
// bookkeeping columns (created_at, received_at) when the caller leaves them
// zero. PostgreSQL keeps microseconds: nanoseconds are lost on the way.
//
// # Adding queries
//
// Queries for the HTTP API and the command line go in a file per subject
// (contacts.go, activities.go, …) as methods on *Store, or on
// *tx when they must join the engine's transactions. Reuse the column lists
// and scanners (touchColumns and scanTouch, contactColumns and ScanContact,
// …), wrap errors with what was asked for, and turn pgx.ErrNoRows into
// engine.ErrNotFound with NotFound.
//
// # Sharing the schema
//
// Other adapters on the same database (the CRM store) reuse what reading and
// writing a contact takes rather than repeating it: contactColumns,
// contactsFrom and ScanContact; NotFound and UniqueViolation for errors;
// NullID and NullDate for arguments. This package imports none of them.
package postgres
