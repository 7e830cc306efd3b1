package pgtest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/benchmeter"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Meter measures what a benchmark costs beside its wall time, so that its
// numbers mean something on a machine others share: the CPU time of this
// process (user + system, from getrusage) and of the PostgreSQL backends
// serving pool's database (from /proc, the server running on this machine).
type Meter struct {
	pool   *pgxpool.Pool
	start  time.Time
	self   time.Duration
	server map[int]time.Duration // backend pid → CPU time at the start
}

// StartMeter starts measuring. Start it after the benchmark's setup.
func StartMeter(tb testing.TB, pool *pgxpool.Pool) *Meter {
	tb.Helper()
	m := &Meter{pool: pool}
	m.server = backendCPU(tb, pool)
	m.self = benchmeter.CPUTime()
	m.start = time.Now()
	return m
}

// Report stops measuring and reports, for the n units (rows, enrollments)
// done meanwhile: unit/s of wall time, the CPU microseconds per unit spent
// in this process and in the database backends, the rate as a percent
// of the ceiling's COPY rows/s and the ceiling's COPY CPU per row as a
// percent of the CPU (this process's and the database's) spent per unit:
// the second does not move when other work slows the machine down.
func (m *Meter) Report(b *testing.B, n int, unit string, ceiling Ceiling) {
	b.Helper()
	wall, self, server := m.Spent(b)
	rate := float64(n) / wall.Seconds()
	b.ReportMetric(rate, unit+"/s")
	b.ReportMetric(float64(self.Microseconds())/float64(n), "cpu-µs/"+unit)
	b.ReportMetric(float64(server.Microseconds())/float64(n), "db-cpu-µs/"+unit)
	b.ReportMetric(100*rate/ceiling.CopyRows, "%-of-COPY")
	if spent := float64((self + server).Microseconds()) / float64(n); spent > 0 {
		b.ReportMetric(100*ceiling.CopyCPU/spent, "%-of-COPY-cpu")
	}
}

// Spent returns what was spent since StartMeter: the wall time, this
// process's CPU time and the database backends' CPU time.
func (m *Meter) Spent(tb testing.TB) (wall, self, server time.Duration) {
	tb.Helper()
	wall = time.Since(m.start)
	self = benchmeter.CPUTime() - m.self
	for pid, cpu := range backendCPU(tb, m.pool) {
		server += cpu - m.server[pid]
	}
	return wall, self, server
}

// clockTick is the unit of /proc/PID/stat's CPU times (USER_HZ).
const clockTick = 10 * time.Millisecond

// backendCPU reads the CPU time of each backend connected to pool's
// database. A backend that has gone since counts nothing: the pool keeps
// its connections for the benchmark's length.
func backendCPU(tb testing.TB, pool *pgxpool.Pool) map[int]time.Duration {
	tb.Helper()
	rows, err := pool.Query(context.Background(),
		`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		tb.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[int]time.Duration, len(pids))
	for _, pid := range pids {
		if cpu, err := procCPU(int(pid)); err == nil {
			out[int(pid)] = cpu
		}
	}
	return out
}

// procCPU reads a process's user and system time from /proc/PID/stat.
func procCPU(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command may hold spaces; the fields after its closing parenthesis
	// start with the state (field 3): utime and stime are fields 14 and 15.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// Ceiling is what the PostgreSQL server does at best on this machine, the
// yardstick Dripline's figures are read against.
type Ceiling struct {
	CopyRows float64 // rows/s COPY writes into a table shaped like contacts
	CopyCPU  float64 // the database's CPU microseconds per row of that COPY
	TxRows   float64 // single-row INSERT transactions committed per second
}

var (
	ceilingOnce sync.Once
	ceiling     Ceiling
	ceilingErr  error
)

// MeasureCeiling measures the Ceiling in pool's database the first time it
// is called in a test binary and returns the same figures afterwards, so
// that every benchmark of a run compares itself with one measurement.
func MeasureCeiling(tb testing.TB, pool *pgxpool.Pool) Ceiling {
	tb.Helper()
	ceilingOnce.Do(func() { ceiling, ceilingErr = measureCeiling(context.Background(), pool) })
	if ceilingErr != nil {
		tb.Fatal(ceilingErr)
	}
	return ceiling
}

// Rows of the ceiling's COPY, and transactions of its single-row inserts.
const (
	ceilingRows = 100_000
	ceilingTxs  = 1_000
)

func measureCeiling(ctx context.Context, pool *pgxpool.Pool) (Ceiling, error) {
	if _, err := pool.Exec(ctx, `CREATE TABLE ceiling_contacts (LIKE contacts INCLUDING ALL)`); err != nil {
		return Ceiling{}, fmt.Errorf("ceiling: %w", err)
	}
	defer pool.Exec(ctx, `DROP TABLE ceiling_contacts`)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return Ceiling{}, fmt.Errorf("ceiling: %w", err)
	}
	defer conn.Release()
	pid := int(conn.Conn().PgConn().PID())
	cpu, _ := procCPU(pid)
	cols := []string{"external_id", "email", "first_name", "last_name", "company", "time_zone"}
	start := time.Now()
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"ceiling_contacts"}, cols,
		pgx.CopyFromSlice(ceilingRows, func(i int) ([]any, error) {
			return []any{fmt.Sprintf("ceil-%d", i), fmt.Sprintf("c%d@example.com", i), "First", "Last",
				"Company", "America/Chicago"}, nil
		}))
	if err != nil {
		return Ceiling{}, fmt.Errorf("ceiling: copy: %w", err)
	}
	c := Ceiling{CopyRows: ceilingRows / time.Since(start).Seconds()}
	if after, err := procCPU(pid); err == nil {
		c.CopyCPU = float64((after - cpu).Microseconds()) / ceilingRows
	}
	start = time.Now()
	for i := range ceilingTxs {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO ceiling_contacts (external_id, email) VALUES ($1, $2)`,
				fmt.Sprintf("tx-%d", i), "tx@example.com")
			return err
		})
		if err != nil {
			return Ceiling{}, fmt.Errorf("ceiling: transaction: %w", err)
		}
	}
	c.TxRows = ceilingTxs / time.Since(start).Seconds()
	return c, nil
}
