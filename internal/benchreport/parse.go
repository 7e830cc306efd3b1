package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// result is one benchmark line of `go test -bench` output.
type result struct {
	name    string
	metrics map[string]float64 // by unit: "ns/op", "touches/s", …
}

// parse reads the benchmark lines of `go test -bench` output:
// "BenchmarkX-2  10  123 ns/op  4.5 touches/s". Other lines are skipped.
func parse(out string) []result {
	var rs []result
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		r := result{name: f[0], metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			r.metrics[f[i+1]] = v
		}
		rs = append(rs, r)
	}
	return rs
}

// num formats a rate with thousands separators, "" when it is missing.
func num(v float64) string {
	if v == 0 {
		return ""
	}
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ratio is v as a percentage of ceiling, "" when either is missing.
func ratio(v, ceiling float64) string {
	if v == 0 || ceiling == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f %%", 100*v/ceiling)
}

// machine describes the machine the run happens on.
func machine() string {
	model, mem := "unknown CPU", "unknown RAM"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		model = field(string(b), "model name")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if kb, err := strconv.Atoi(strings.TrimSuffix(field(string(b), "MemTotal"), " kB")); err == nil {
			mem = fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("machine: %d CPUs, %s, %s", runtime.NumCPU(), model, mem)
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// field is the value of the first "key: value" line of a /proc file.
func field(text, key string) string {
	for line := range strings.Lines(text) {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
