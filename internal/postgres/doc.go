// Package postgres is the PostgreSQL adapter of the domain: it implements
// the engine's ports (engine.Store and engine.Tx, by [Store]) and the CRM's
// (crm.Store and crm.Tx, by [CRM]) with pgx v5, and applies the schema
// migrations embedded in the binary. It imports the domain (engine,
// internal/crm) and no other adapter.
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
// # Layout
//
// The engine's side: store.go (Store, its transactions, shared helpers),
// then a file per subject (touches.go, enrollments.go, outbox.go, work.go,
// contacts.go, reps.go, …) with the methods of Store and of its tx.
//
// The CRM's side: crm.go ([CRM], [NewCRM], its transactions) and a crm_*.go
// file per subject (crm_contacts.go, crm_reps.go, crm_opportunities.go,
// crm_sales.go, crm_activities.go, crm_timeline.go). A CRM transaction hands
// the engine the same PostgreSQL transaction (its Engine method), so a CRM
// change and the enrollments its event causes commit together:
//
//	svc, err := crm.New(postgres.NewCRM(s.Pool()), crm.Options{Sink: eng})
//
// Both sides share the one insert of a contact (writeContacts: the owner, a
// rep's username, and the company are created when unknown) and of a rep
// (insertRep); Store.CreateContact and Store.CreateRep are that same insert
// for tools and tests.
//
// # Adding queries
//
// A query goes in the file of its subject, as a method of Store or tx for
// the engine, of crmReader or crmTx for the CRM (with the port method added
// to internal/crm first). Reuse the column lists and scanners
// (touchColumns and scanTouch, contactColumns and scanContact, repColumns
// and scanRep, …) and the collect helper, wrap errors with what was asked
// for, and turn pgx.ErrNoRows into engine.ErrNotFound with notFound.
package postgres
