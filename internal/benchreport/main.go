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
	limit string // the ceiling figure it is compared with, "" for none
}

// ceilings are what the machine does with none of the project's code in the way.
var ceilings = []figure{
	{"asynq empty tasks, enqueued+processed", bench{"./internal/queue", "^BenchmarkCeilingAsynq$", "5000x"}, "tasks/s", ""},
	{"SMTP accept rate through go-mail", bench{"./internal/email", "^BenchmarkCeilingSMTP$", "5000x"}, "msgs/s", ""},
	{"PostgreSQL COPY", bench{"./internal/pgtest", "^BenchmarkCeilingCopy$", "3x"}, "rows/s", ""},
	{"PostgreSQL single-row transactions", bench{"./internal/pgtest", "^BenchmarkCeilingTx$", "2000x"}, "tx/s", ""},
}

// figures are the project's own, each beside the ceiling that bounds it.
var figures = []figure{
	{"email end to end", bench{"./engine", "^BenchmarkEndToEnd$/^email$", "1x"}, "touches/s", "SMTP accept rate through go-mail"},
	{"call end to end", bench{"./engine", "^BenchmarkEndToEnd$/^call$", "1x"}, "touches/s", "asynq empty tasks, enqueued+processed"},
	{"SMTP send (pooled sender)", bench{"./internal/email", "^BenchmarkSMTPSend$/^conns=8$", "5000x"}, "msgs/s", "SMTP accept rate through go-mail"},
	{"enqueue touches", bench{"./internal/queue", "^BenchmarkEnqueue$/^parallel=8$", "10x"}, "tasks/s", "asynq empty tasks, enqueued+processed"},
	{"bulk enroll", bench{"./internal/postgres", "^BenchmarkBulkEnroll$", "1x"}, "enrollments/s", "PostgreSQL COPY"},
	{"contact import", bench{"./internal/postgres", "^BenchmarkContactsImport$", "1x"}, "rows/s", "PostgreSQL COPY"},
	{"simulate a year, 1k contacts", bench{"./internal/sim", "^BenchmarkSimulateYear$/^contacts=1000$", "1x"}, "contacts/s", ""},
	{"letters", bench{"./letters", "^BenchmarkPages$", "1x"}, "pages/s", ""},
}

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
	results := map[string]result{}
	for _, f := range append(ceilings, figures...) {
		fmt.Fprintf(os.Stderr, "running %s (%s %s)\n", f.name, f.run.pkg, f.run.pattern)
		r, err := measure(ctx, f)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		results[f.name] = r
	}
	fmt.Println("load average after: ", loadAverage())
	fmt.Println()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "figure\tvalue\tceiling\tratio\tper CPU-s\tCPU ceiling\tCPU ratio\t")
	for _, f := range append(ceilings, figures...) {
		fmt.Fprintln(w, row(f, results))
	}
	fmt.Println("ceilings are measured with none of the project's code in the way; \"per CPU-s\" counts the")
	fmt.Println("benchmark process only (not PostgreSQL's or Redis's), since the machine may be shared.")
	return w.Flush()
}

// measure runs f's benchmark and returns what it reported.
func measure(ctx context.Context, f figure) (result, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^$", "-bench", f.run.pattern, "-benchtime", f.run.benchtime, f.run.pkg)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("go test %s: %w\n%s", f.run.pkg, err, out)
	}
	rs := parse(string(out))
	if len(rs) != 1 {
		return result{}, fmt.Errorf("go test %s -bench %s: want one benchmark, got %d:\n%s", f.run.pkg, f.run.pattern, len(rs), out)
	}
	return rs[0], nil
}

// row formats one line of the table.
func row(f figure, results map[string]result) string {
	r := results[f.name]
	cells := []string{f.name, num(r.metrics[f.unit]) + " " + f.unit}
	cpuUnit := strings.TrimSuffix(f.unit, "/s") + "/cpu-s"
	if f.limit == "" {
		cells = append(cells, "", "", num(r.metrics[cpuUnit]), "", "")
		return strings.Join(cells, "\t") + "\t"
	}
	c := results[f.limit]
	var ceil figure
	for _, x := range ceilings {
		if x.name == f.limit {
			ceil = x
		}
	}
	ceilCPU := strings.TrimSuffix(ceil.unit, "/s") + "/cpu-s"
	cells = append(cells, num(c.metrics[ceil.unit]), ratio(r.metrics[f.unit], c.metrics[ceil.unit]),
		num(r.metrics[cpuUnit]), num(c.metrics[ceilCPU]), ratio(r.metrics[cpuUnit], c.metrics[ceilCPU]))
	return strings.Join(cells, "\t") + "\t"
}
