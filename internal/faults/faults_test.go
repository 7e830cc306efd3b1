//go:build faults

package faults

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/smtptest"
)

// The daemon's settings for the suite: short enough that a lost touch is
// found within seconds, slow enough at the SMTP server that a fault lands
// while touches are still going out.
const (
	lease     = 5 * time.Second
	reconcile = 2 * time.Second
	smtpRate  = 250 // messages a second
	maxLate   = 3 * time.Second
	// slack is added to every bound: retries back off 5–10 s after a failed
	// attempt, the SMTP client gives up on a stalled server after its
	// timeout, and the machine is shared. The bounds catch a daemon that
	// waits for minutes; the table reports what was measured.
	slack = 60 * time.Second
)

// suite is what every scenario shares: the binary and the services.
var suite struct {
	bin    string
	dir    string
	pg     *postgresCluster
	redis  *redisServer
	tracks string
	n      int
}

func TestMain(m *testing.M) {
	code, err := setUp()
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	os.Exit(code(m))
}

// setUp builds the daemon and starts the services; the function it returns
// runs the tests and then stops them.
func setUp() (func(*testing.M) int, error) {
	ctx := context.Background()
	var err error
	if suite.n, err = touchesPerScenario(); err != nil {
		return nil, err
	}
	if suite.dir, err = os.MkdirTemp("", "dripline-faults-"); err != nil {
		return nil, err
	}
	if suite.bin, err = buildDripline(ctx, suite.dir); err != nil {
		return nil, err
	}
	if suite.tracks, err = writeTracks(suite.dir); err != nil {
		return nil, err
	}
	pgPort, redisPort, err := freePorts()
	if err != nil {
		return nil, err
	}
	if suite.pg, err = startPostgres(ctx, pgPort); err != nil {
		return nil, err
	}
	if suite.redis, err = startRedis(ctx, redisPort, filepath.Join(suite.dir, "redis.log")); err != nil {
		suite.pg.Close()
		return nil, err
	}
	return func(m *testing.M) int {
		code := m.Run()
		if err := suite.redis.Kill(); err != nil {
			fmt.Fprintln(os.Stderr, "faults:", err)
		}
		if err := suite.pg.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "faults:", err)
		}
		if code == 0 {
			os.RemoveAll(suite.dir)
		} else {
			fmt.Fprintln(os.Stderr, "faults: logs kept in", suite.dir)
		}
		return code
	}, nil
}

// touchesPerScenario reads FAULTS_TOUCHES (default 1500).
func touchesPerScenario() (int, error) {
	v := os.Getenv("FAULTS_TOUCHES")
	if v == "" {
		return 1500, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 10 {
		return 0, fmt.Errorf("FAULTS_TOUCHES=%q: want a whole number of at least 10", v)
	}
	return n, nil
}

// freePorts are two loopback ports nothing listens on right now, for the
// suite's PostgreSQL and Redis.
func freePorts() (int, int, error) {
	var ports []int
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, fmt.Errorf("find a free port: %w", err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports[0], ports[1], nil
}

// result is one row of the summary table.
type result struct {
	scenario                  string
	touches, sent, late, dups int
	allowedDups               int
	recovery, bound, total    time.Duration
}

// TestFaults runs every scenario in turn and prints the summary table.
func TestFaults(t *testing.T) {
	var results []result
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			r := runScenario(t, sc)
			results = append(results, r)
		})
	}
	printTable(results)
}

func printTable(results []result) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-14s %7s %6s %5s %10s %10s %9s %7s\n", "scenario", "touches", "sent", "late", "duplicates", "recovery_s", "bound_s", "total_s")
	for _, r := range results {
		fmt.Fprintf(&b, "%-14s %7d %6d %5d %6d/%-3d %10.1f %9.0f %7.1f\n", r.scenario, r.touches, r.sent, r.late,
			r.dups, r.allowedDups, r.recovery.Seconds(), r.bound.Seconds(), r.total.Seconds())
	}
	fmt.Fprintf(&b, "(settings: lease %s, reconcile %s, SMTP %d/s; duplicates are found/allowed; recovery runs from the end of the fault until every touch is final)\n", lease, reconcile, smtpRate)
	fmt.Print(b.String())
}

// run is one scenario under way.
type run struct {
	t       *testing.T
	ctx     context.Context
	dir     string
	dbURL   string
	env     settings
	smtp    *smtptest.Server
	daemons []*daemon
}

// start starts one more daemon.
func (r *run) start() {
	r.t.Helper()
	d, err := startDaemon(suite.bin, r.env, r.dir, fmt.Sprintf("daemon-%d", len(r.daemons)+1))
	if err != nil {
		r.t.Fatal(err)
	}
	r.daemons = append(r.daemons, d)
}

// alive reports a daemon that exited on its own.
func (r *run) alive() error {
	for _, d := range r.daemons {
		if err := d.exited(); err != nil && !d.killed {
			return fmt.Errorf("%w: %w", errStop, err)
		}
	}
	return nil
}

// waitSent waits until the SMTP server has n messages, while the daemons run.
func (r *run) waitSent(n int) {
	r.t.Helper()
	err := poll(r.ctx, 2*time.Minute, fmt.Sprintf("%d messages at the SMTP server", n), func() error {
		if err := r.alive(); err != nil {
			return err
		}
		if got := r.smtp.Count(); got < n {
			return fmt.Errorf("%d so far", got)
		}
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
}

// stopAll stops every daemon still running.
func (r *run) stopAll() {
	for _, d := range r.daemons {
		if d.exited() == nil {
			if err := d.Stop(); err != nil {
				r.t.Error(err)
			}
		}
	}
}

// dumpLogs shows the end of every daemon's log after a failure.
func (r *run) dumpLogs() {
	if !r.t.Failed() {
		return
	}
	for _, d := range r.daemons {
		r.t.Logf("%s log (%s):\n%s", d.name, d.log, d.logTail())
	}
}
