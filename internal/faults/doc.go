// Package faults is Dripline's fault suite: the real daemon, built and run
// as a child process, against a PostgreSQL cluster and a Redis of its own
// (other ports, so it can kill and restart them without disturbing other
// tests) and a loopback SMTP server that counts messages by Message-ID.
//
// Each scenario seeds a fresh database with email touches due now, starts
// the daemon, injects one fault (kill -9 of the daemon, Redis flushed or
// down, PostgreSQL restarted, two daemons at once, SMTP 421, a hang-up or a
// stall after DATA, the SMTP server refusing every session for 10 s, the
// daemon down past --max-late) and then asserts that
// every touch is final in PostgreSQL, none lost and none stuck, with
// duplicates at the SMTP server only where SMTP forces them. It prints a
// summary table with the time each scenario took to recover.
//
// The scenarios are tests behind the build tag faults, run by `make faults`:
//
//	go test -tags faults -count=1 -v -timeout 20m ./internal/faults/
//
// FAULTS_TOUCHES sets the touches each scenario seeds (default 1500);
// FAULTS_DRIPLINE names a prebuilt dripline binary to run instead of
// building ./cmd/dripline. initdb, pg_ctl (PostgreSQL's server binaries)
// and redis-server must be installed; `make services` installs them.
package faults
