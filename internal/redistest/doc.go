// Package redistest gives each test its own Redis database on the shared test
// Redis, so test packages that go test runs as parallel processes never see
// each other's keys.
//
// The server comes from DRIPLINE_TEST_REDIS_URL (default
// redis://127.0.0.1:6379/0). [New] picks a free database among 1..15 (the
// URL's own database excluded), locking it with
// SET dripline:testdb:N <token> NX EX 900 in the URL's database; the lock
// outlives go test's default 10-minute timeout and expires if a test process
// dies. The database is flushed when taken and again, before the lock is
// released, when the test ends. A test fails, never skips, when Redis is
// unreachable.
package redistest
