// Package pgtest gives each test its own PostgreSQL database with the current
// Dripline schema, dropped when the test ends, so tests can run in parallel
// against the real server without seeing each other's rows.
//
// # Usage
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		pool := pgtest.New(t)            // a migrated database and a pool to it
//		store := postgres.New(pool)
//		…
//	}
//
// URL returns the connection string of such a database instead, for code that
// opens its own connections (a daemon under test, postgres.Open). EmptyURL
// returns one without any schema, for migration tests.
//
// # Server
//
// The server is the one at DRIPLINE_TEST_DATABASE_URL, by default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable; the user must
// be allowed to create databases. When it cannot be reached the test fails
// (it is never skipped) with a message saying so.
//
// # Speed
//
// The first call in a test binary migrates a template database named after a
// hash of the embedded migrations (dripline_tmpl_<hash>), once per schema for
// all binaries, serialized by an advisory lock; every test database is then a
// copy of it, which takes milliseconds. A changed migration gets a new
// template; old templates stay until dropped by hand.
package pgtest
