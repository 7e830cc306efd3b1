package config

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dripline/dripline/tracks"
)

// Operations are the daemon's settings for running at scale (DESIGN.md
// "Operations"): leases, reconciling, lateness, workers and metrics.
type Operations struct {
	Lease       time.Duration          // DRIPLINE_LEASE: how long a worker's claim holds unrenewed; also the task timeout
	Reconcile   time.Duration          // DRIPLINE_RECONCILE: how often lost queued and running touches are looked for
	MaxLate     time.Duration          // DRIPLINE_MAX_LATE: a touch found this late at send time is skipped
	Concurrency map[tracks.Channel]int // DRIPLINE_CONCURRENCY: touches of each channel run at once
	Daemons     int                    // DRIPLINE_DAEMONS: daemons expected to share the database
	MetricsAddr string                 // DRIPLINE_METRICS_ADDR: a separate address for /metrics
}

// DefaultConcurrency is DRIPLINE_CONCURRENCY's default.
const DefaultConcurrency = "email=10,letter=2,call=4,task=4"

// bindOperations registers the Operations settings on fs.
func (c *Config) bindOperations(fs *flag.FlagSet) {
	dur := func(p *time.Duration, name, env string, def time.Duration, usage string) {
		fs.DurationVar(p, name, lookup(c, env, def, time.ParseDuration, "a duration like 1m"), usage+" (env "+env+")")
	}
	dur(&c.Lease, "lease", "DRIPLINE_LEASE", 2*time.Minute, "how long a worker holds a touch unrenewed before another may take it; also the longest one attempt may run")
	dur(&c.Reconcile, "reconcile", "DRIPLINE_RECONCILE", time.Minute, "how often touches lost from Redis or from a dead worker are looked for")
	dur(&c.MaxLate, "max-late", "DRIPLINE_MAX_LATE", 72*time.Hour, "a touch found this late when it would go out is skipped with late: …")
	c.Concurrency = lookup(c, "DRIPLINE_CONCURRENCY", mustConcurrency(DefaultConcurrency), ParseConcurrency, "channel=N pairs like "+DefaultConcurrency)
	fs.Func("concurrency", "touches of each channel run at once, channel=N,… (default "+DefaultConcurrency+"; env DRIPLINE_CONCURRENCY)",
		func(s string) (err error) { c.Concurrency, err = ParseConcurrency(s); return err })
	fs.IntVar(&c.Daemons, "daemons", lookup(c, "DRIPLINE_DAEMONS", 1, strconv.Atoi, "a whole number"), "daemons expected to share the database, for the connection budget check (env DRIPLINE_DAEMONS)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", getenv("DRIPLINE_METRICS_ADDR", ""), "separate address for /metrics; empty serves it on --http-addr (env DRIPLINE_METRICS_ADDR)")
	if _, ok := os.LookupEnv("DRIPLINE_WORKERS"); ok {
		c.bad = append(c.bad, "DRIPLINE_WORKERS is replaced by DRIPLINE_CONCURRENCY, workers per channel like "+DefaultConcurrency)
	}
}

// checkOperations reports Operations settings out of range.
func (c *Config) checkOperations() error {
	if c.Lease < 3*time.Second || c.Reconcile <= 0 || c.MaxLate <= 0 || c.Daemons <= 0 {
		return fmt.Errorf("--lease must be at least 3s; --reconcile, --max-late and --daemons must be positive")
	}
	return nil
}

// Workers is how many touches this daemon runs at once: the channels'
// concurrency summed.
func (o Operations) Workers() int {
	n := 0
	for _, spec := range tracks.Channels() {
		n += o.Concurrency[spec.Name]
	}
	return n
}

// PoolExtra is the database connections a daemon needs besides its
// workers: one each for the scheduler's tick, reconciler and birthday jobs,
// and four for the HTTP API, /readyz and the metrics' letter count.
const PoolExtra = 3 + 4

// PoolSize is the daemon's database pool: a connection per worker (a worker
// holds at most one at a time: none while a channel delivers, when only its
// lease renewal may use one) plus PoolExtra.
func (o Operations) PoolSize() int { return o.Workers() + PoolExtra }

// ParseConcurrency reads channel=N pairs separated by commas
// ("email=10,call=4"). A channel left out keeps its default; every channel
// must be registered and N a positive whole number.
func ParseConcurrency(s string) (map[tracks.Channel]int, error) {
	out := mustConcurrency(DefaultConcurrency)
	seen := map[tracks.Channel]bool{}
	for i, pair := range strings.Split(s, ",") {
		name, n, ok := strings.Cut(strings.TrimSpace(pair), "=")
		ch := tracks.Channel(strings.TrimSpace(name))
		if !ok {
			return nil, fmt.Errorf("concurrency item %d %q: want channel=N", i+1, pair)
		}
		if _, known := tracks.Spec(ch); !known {
			return nil, fmt.Errorf("concurrency item %d: unknown channel %q: want one of %s", i+1, ch, channelList())
		}
		if seen[ch] {
			return nil, fmt.Errorf("concurrency item %d: channel %s given twice", i+1, ch)
		}
		seen[ch] = true
		v, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil || v <= 0 || v > 10000 {
			return nil, fmt.Errorf("concurrency item %d: %s=%q: want a whole number from 1 to 10000", i+1, ch, n)
		}
		out[ch] = v
	}
	return out, nil
}

// mustConcurrency parses a concurrency known to be good.
func mustConcurrency(s string) map[tracks.Channel]int {
	out := map[tracks.Channel]int{}
	for pair := range strings.SplitSeq(s, ",") {
		name, n, _ := strings.Cut(pair, "=")
		out[tracks.Channel(name)], _ = strconv.Atoi(n)
	}
	return out
}

// channelList names the registered channels, for messages.
func channelList() string {
	var names []string
	for _, spec := range tracks.Channels() {
		names = append(names, string(spec.Name))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
