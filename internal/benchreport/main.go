// Command benchreport runs the project's benchmarks beside the raw ceilings
// of the machine they run on, measured in the same run, and prints each
// figure with its ceiling and the ratio between them: `make bench`.
//
// It is a development tool, not part of the dripline binary. It needs what
// the tests need: PostgreSQL and Redis (`make services`).
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"text/tabwriter"
)

// bench is one benchmark run: a package, a -bench pattern and a -benchtime.
type bench struct {
	pkg, pattern, benchtime string
}

// figure is a number one benchmark reports, in a unit of its own.
type figure struct {
	name  string
	run   bench
	unit  string // the wall-time rate, such as "touches/s"
	cpu   string // how it reports its CPU cost (see cpuRate), "" for not at all
	limit string // the ceiling figure it is compared with, "" for none
}

// ceilings are what the machine does with none of the project's code in the way.
var ceilings = []figure{
	{"asynq empty tasks, enqueued+processed", bench{"./internal/queue", "^BenchmarkCeilingAsynq$", "5000x"}, "tasks/s", "tasks/cpu-s", ""},
	{"SMTP accept rate through go-mail", bench{"./internal/email", "^BenchmarkCeilingSMTP$", "5000x"}, "msgs/s", "msgs/cpu-s", ""},
	{"PostgreSQL COPY", bench{"./internal/postgres", "^BenchmarkCeiling$", "1x"}, "copy-rows/s", "copy-db-cpu-µs/row", ""},
	{"PostgreSQL single-row transactions", bench{"./internal/postgres", "^BenchmarkCeiling$", "1x"}, "single-row-tx/s", "", ""},
}

// figures are the project's own, each beside the ceiling that bounds it.
var figures = []figure{
	{"email end to end", bench{"./engine", "^BenchmarkEndToEnd$/^email$", "1x"}, "touches/s", "cpu-µs/touch", "SMTP accept rate through go-mail"},
	{"call end to end", bench{"./engine", "^BenchmarkEndToEnd$/^call$", "1x"}, "touches/s", "cpu-µs/touch", "asynq empty tasks, enqueued+processed"},
	{"SMTP send (pooled sender)", bench{"./internal/email", "^BenchmarkSMTPSend$/^conns=8$", "5000x"}, "msgs/s", "", "SMTP accept rate through go-mail"},
	{"enqueue touches", bench{"./internal/queue", "^BenchmarkEnqueue$/^parallel=8$", "10x"}, "tasks/s", "", ""},
	{"bulk enroll", bench{"./internal/postgres", "^BenchmarkBulkEnroll$", "1x"}, "enrollments/s", "cpu-µs/enrollments", "PostgreSQL COPY"},
	{"contact import", bench{"./internal/postgres", "^BenchmarkContactsImport$", "1x"}, "rows/s", "cpu-µs/rows", "PostgreSQL COPY"},
	{"contact import, 64 MiB", bench{"./internal/postgres", "^BenchmarkImport64MiB$", "1x"}, "rows/s", "cpu-µs/rows", "PostgreSQL COPY"},
	{"simulate a year, 1k contacts", bench{"./internal/sim", "^BenchmarkSimulateYear$/^contacts=1000$", "1x"}, "contacts/s", "contacts/cpu-s", ""},
	{"simulate a year, 100k contacts", bench{"./internal/sim", "^BenchmarkSimulateYear$/^contacts=100000$", "1x"}, "contacts/s", "contacts/cpu-s", ""},
	{"letters", bench{"./letters", "^BenchmarkPages$", "1x"}, "pages/s", "pages/cpu-s", ""},
	{"letters, 10,000 with envelopes and labels", bench{"./letters", "^Benchmark10000$", "1x"}, "pages/s", "pages/cpu-s", ""},
}

// peakRSS is the metric a benchmark reports its process's peak resident
// memory in, when it does: each benchmark runs in a process of its own.
const peakRSS = "peak-RSS-MB"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	fmt.Println(machine())
	fmt.Println("load average before:", loadAverage())
	runs := map[bench]result{}
	results := map[string]result{}
	for _, f := range append(ceilings, figures...) {
		r, ok := runs[f.run]
		if !ok {
			fmt.Fprintf(os.Stderr, "running %s (%s %s)\n", f.name, f.run.pkg, f.run.pattern)
			var err error
			if r, err = measure(ctx, f.run); err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
			runs[f.run] = r
		}
		results[f.name] = r
	}
	fmt.Println("load average after: ", loadAverage())
	fmt.Println()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "figure\tvalue\tceiling\tratio\tper CPU-s\tCPU ceiling\tCPU ratio\tpeak RSS\t")
	for _, f := range append(ceilings, figures...) {
		fmt.Fprintln(w, row(f, results))
	}
	fmt.Println(`ceilings are measured with none of the project's code in the way. "per CPU-s" is a rate per`)
	fmt.Println("second of CPU time, which load from other work does not move: the benchmark process's, plus")
	fmt.Println("PostgreSQL's backends for the PostgreSQL and end-to-end figures (COPY: the backend only); not Redis's.")
	return w.Flush()
}

// measure runs f's benchmark and returns what it reported.
func measure(ctx context.Context, run bench) (result, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout", "30m", "-run", "^$", "-bench", run.pattern, "-benchtime", run.benchtime, run.pkg)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("go test %s: %w\n%s", run.pkg, err, out)
	}
	rs := parse(string(out))
	if len(rs) != 1 {
		return result{}, fmt.Errorf("go test %s -bench %s: want one benchmark, got %d:\n%s", run.pkg, run.pattern, len(rs), out)
	}
	return rs[0], nil
}

// row formats one line of the table.
func row(f figure, results map[string]result) string {
	r := results[f.name]
	cpu := cpuRate(f.cpu, r.metrics)
	cells := []string{f.name, num(r.metrics[f.unit]) + " " + f.unit}
	if f.limit == "" {
		cells = append(cells, "", "", num(cpu), "", "")
	} else {
		ceil := ceilingNamed(f.limit)
		c := results[ceil.name]
		ceilCPU := cpuRate(ceil.cpu, c.metrics)
		cells = append(cells, num(c.metrics[ceil.unit]), ratio(r.metrics[f.unit], c.metrics[ceil.unit]),
			num(cpu), num(ceilCPU), ratio(cpu, ceilCPU))
	}
	if mb, ok := r.metrics[peakRSS]; ok {
		cells = append(cells, num(mb)+" MB")
	} else {
		cells = append(cells, "")
	}
	return strings.Join(cells, "\t") + "\t"
}

func ceilingNamed(name string) figure {
	for _, c := range ceilings {
		if c.name == name {
			return c
		}
	}
	panic("benchreport: no ceiling " + name) // the tables above are wrong
}

// cpuRate turns what a benchmark reports about its CPU cost into units per
// CPU-second: "x/cpu-s" is that already; "…-µs/x" is microseconds per unit,
// to which the matching "db-cpu-µs/x" (PostgreSQL's share) is added.
func cpuRate(metric string, m map[string]float64) float64 {
	switch {
	case metric == "":
		return 0
	case strings.HasSuffix(metric, "/cpu-s"):
		return m[metric]
	}
	_, per, _ := strings.Cut(metric, "µs/")
	us := m[metric]
	if metric == "cpu-µs/"+per {
		us += m["db-cpu-µs/"+per]
	}
	if us == 0 {
		return 0
	}
	return 1e6 / us
}
