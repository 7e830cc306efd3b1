//go:build faults

package faults

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/smtptest"
)

// scenario is one fault and what it may cost.
type scenario struct {
	name string
	env  []string // settings besides the suite's
	// smtp arms the SMTP server's faults before the daemon starts.
	smtp func(s *smtptest.Server)
	// act starts the daemons and injects the fault; it returns when the
	// fault is over, which is where recovery is counted from.
	act func(r *run) error
	// dups is how many messages SMTP forces to go out twice: a message the
	// server kept without the client hearing so.
	dups int
	// crash: kill -9 may land between "SMTP accepted" and the commit of the
	// touches in flight, which then go out again (same Message-ID); at most
	// one per email worker.
	crash bool
	late  bool // every touch is found past --max-late and skipped
	// recovery, when set, is the scenario's own bound on recovery, tighter
	// than the others' slack (orphanBound, outageRecovery).
	recovery func() time.Duration
}

// asynqLease is how long asynq may hold the tasks of a killed worker: the
// 30 s its heartbeat (every 5 s) keeps each lease ahead, plus the second
// its lease scores cut off (see orphanScript in internal/queue).
const asynqLease = 31 * time.Second

// orphanMargin is the margin of orphanBound: the new daemon's start, a
// reconcile pass on a loaded machine.
const orphanMargin = 10 * time.Second

// orphanBound is how long touches held by a killed worker may take to be
// final. They are held in asynq's active list until asynq's own lease on
// them runs out; then the reconciler deletes those tasks and enqueues the
// touches again. So the bound is the longer of the engine's lease and
// asynq's, two reconcile intervals (a touch requeued once is stale again
// only a reconcile later), sending what is left and a small margin.
func orphanBound() time.Duration {
	return max(lease, asynqLease) + 2*reconcile + time.Duration(suite.n/smtpRate)*time.Second + orphanMargin
}

// smtpOutage is how long the smtp-outage scenario's server refuses every
// session.
const smtpOutage = 10 * time.Second

// outageRecovery bounds the smtp-outage scenario's recovery: the daemon
// tries the server again 5 s into an outage, then 10 s after that (the
// backoff doubles), so it finds the server back at most 5 s after a 10 s
// outage; then the touches the outage held back run at once rather than
// after their asynq backoff (queue.RunRetries), and what is left goes out
// at the SMTP rate; a margin for a loaded machine.
func outageRecovery() time.Duration {
	return 5*time.Second + time.Duration(suite.n/smtpRate)*time.Second + 15*time.Second
}

// emailWorkers is the daemon's default email concurrency, which bounds the
// touches in flight at a kill -9.
const emailWorkers = 10

const (
	hangUps = 20 // messages the server keeps and hangs up on
	stalls  = 5  // messages the server keeps and answers too late
)

func scenarios() []scenario {
	third := func(r *run) int { return suite.n / 3 }
	return []scenario{
		{name: "baseline", act: func(r *run) error { r.start(); return nil }},
		{name: "kill-9", crash: true, recovery: orphanBound, act: func(r *run) error {
			r.start()
			r.waitSent(third(r))
			if err := r.daemons[0].Kill9(); err != nil {
				return err
			}
			r.start()
			return nil
		}},
		{name: "redis-flush", act: func(r *run) error {
			r.start()
			r.waitSent(third(r))
			return suite.redis.FlushAll(r.ctx)
		}},
		{name: "redis-down", act: func(r *run) error {
			r.start()
			r.waitSent(third(r))
			if err := suite.redis.Kill(); err != nil {
				return err
			}
			outage(r.ctx, 5*time.Second)
			return suite.redis.Start(r.ctx)
		}},
		{name: "pg-restart", act: func(r *run) error {
			r.start()
			r.waitSent(third(r))
			return suite.pg.Restart(r.ctx)
		}},
		{name: "two-daemons", env: []string{"DRIPLINE_DAEMONS", "2"}, act: func(r *run) error {
			r.start()
			r.start()
			return nil
		}},
		{name: "smtp-421", smtp: func(s *smtptest.Server) { s.FailNext(smtptest.Data, 50, 421) },
			act: func(r *run) error { r.start(); return nil }},
		{name: "smtp-hangup", dups: hangUps, smtp: func(s *smtptest.Server) { s.HangUpAfterData(hangUps) },
			act: func(r *run) error { r.start(); return nil }},
		{name: "smtp-stall", dups: stalls, smtp: func(s *smtptest.Server) { s.StallAfterData(stalls, 40*time.Second) },
			act: func(r *run) error { r.start(); return nil }},
		{name: "smtp-outage", recovery: outageRecovery, act: func(r *run) error { // the server refuses every session for a while
			r.start()
			r.waitSent(third(r))
			r.smtp.FailHelo(554)
			r.smtp.DropConnections()
			outage(r.ctx, smtpOutage)
			r.smtp.FailHelo(0)
			return nil
		}},
		{name: "max-late", late: true, env: []string{"DRIPLINE_MAX_LATE", maxLate.String()}, act: func(r *run) error {
			if err := pastMaxLate(r); err != nil {
				return err
			}
			r.start()
			return nil
		}},
	}
}

// outage is how long a service stays down: the length of the fault itself.
func outage(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// pastMaxLate waits, with the daemon down, until the last seeded touch is
// more than --max-late overdue.
func pastMaxLate(r *run) error {
	seeded := time.Now()
	return poll(r.ctx, time.Minute, "the seeded touches to be past --max-late", func() error {
		if since := time.Since(seeded); since <= maxLate+time.Second {
			return fmt.Errorf("only %s since seeding", since.Round(time.Millisecond))
		}
		return nil
	})
}

// runScenario seeds a fresh database, runs sc and checks what it left.
func runScenario(t *testing.T, sc scenario) result {
	ctx := context.Background()
	began := time.Now()
	r := &run{t: t, ctx: ctx, dir: t.TempDir(), smtp: smtptest.Start(t)}
	r.dbURL = suite.pg.URL("faults_" + strings.ReplaceAll(sc.name, "-", "_"))
	r.env = settings{
		"DATABASE_URL": r.dbURL, "REDIS_URL": suite.redis.URL(), "SMTP_URL": r.smtp.URL(),
		"DRIPLINE_TRACKS": suite.tracks, "DRIPLINE_SECRET": "fault-suite-secret",
		"DRIPLINE_HTTP_ADDR": "127.0.0.1:0", "DRIPLINE_TICK": "1s",
		"DRIPLINE_LEASE": lease.String(), "DRIPLINE_RECONCILE": reconcile.String(),
		"DRIPLINE_SMTP_RATE": fmt.Sprint(smtpRate), "DRIPLINE_MAIL_DOMAIN": "faults.example.com",
		"DRIPLINE_SENDER": "Fault Suite <marketing@faults.example.com>",
	}.with(sc.env...)
	defer r.dumpLogs()
	defer r.stopAll()
	if err := suite.redis.FlushAll(ctx); err != nil {
		t.Fatal(err)
	}
	if err := seed(ctx, suite.bin, r.env, r.dir, suite.n); err != nil {
		t.Fatal(err)
	}
	if sc.smtp != nil {
		sc.smtp(r.smtp)
	}
	if err := sc.act(r); err != nil {
		t.Fatal(err)
	}
	faultEnd := time.Now()
	bound := lease + reconcile + time.Duration(suite.n/smtpRate)*time.Second + slack
	if sc.recovery != nil {
		bound = sc.recovery()
	}
	counts := waitFinal(r, bound)
	recovery := time.Since(faultEnd)
	r.stopAll()
	mail := check(t, sc, r.smtp, counts)
	return result{scenario: sc.name, touches: counts.total, sent: counts.done, late: counts.skippedLate,
		dups: mail.duplicates, allowedDups: allowed(sc), recovery: recovery, bound: bound, total: time.Since(began)}
}

// allowed is how many duplicates sc may cause.
func allowed(sc scenario) int {
	if sc.crash {
		return emailWorkers
	}
	return sc.dups
}

// waitFinal waits until every touch is final, or fails after bound.
func waitFinal(r *run, bound time.Duration) touchCounts {
	var last touchCounts
	err := poll(r.ctx, bound, "every touch to be final", func() error {
		if err := r.alive(); err != nil {
			return err
		}
		c, err := countTouches(r.ctx, r.dbURL)
		if err != nil {
			return err // PostgreSQL may be restarting
		}
		last = c
		if c.total != suite.n || c.final() != c.total {
			return fmt.Errorf("%s", c)
		}
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return last
}

// check asserts what the scenario left in PostgreSQL and at the SMTP
// server: every touch final as the scenario expects, none lost, every sent
// touch received, duplicates only as many as allowed.
func check(t *testing.T, sc scenario, s *smtptest.Server, c touchCounts) mailCounts {
	t.Helper()
	mail, err := countMail(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL: %s; SMTP: %d messages, %d Message-IDs, %d duplicates", c, mail.messages, len(mail.ids), mail.duplicates)
	want := touchCounts{total: suite.n, done: suite.n}
	if sc.late {
		want = touchCounts{total: suite.n, skippedLate: suite.n}
	}
	if c.total != want.total || c.done != want.done || c.skippedLate != want.skippedLate || c.final() != c.total {
		t.Errorf("touches: %s; want %s (reasons: %q)", c, want, c.reasons)
	}
	if mail.noID > 0 {
		t.Errorf("%d messages without a Message-ID", mail.noID)
	}
	if len(mail.ids) != c.done {
		t.Errorf("%d distinct Message-IDs at the SMTP server, %d touches done: each sent touch is one message", len(mail.ids), c.done)
	}
	for id := range c.messageIDs {
		if mail.ids[id] == 0 {
			t.Errorf("touch done with Message-ID %s, which the SMTP server never received", id)
			break
		}
	}
	if mail.duplicates > allowed(sc) {
		t.Errorf("%d duplicates at the SMTP server (%s), at most %d allowed", mail.duplicates, mail.duplicated(), allowed(sc))
	}
	return mail
}
