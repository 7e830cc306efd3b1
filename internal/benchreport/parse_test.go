package main

import (
	"maps"
	"testing"
)

func TestParse(t *testing.T) {
	out := `goos: linux
BenchmarkEndToEnd/email-2   	       2	2250000000 ns/op	       888.5 touches/s
BenchmarkCeilingCopy-2      	       5	 174293099 ns/op	   5067140 rows/cpu-s	    573756 rows/s
--- FAIL: BenchmarkBroken
BenchmarkOdd-2 not a number
PASS
`
	got := parse(out)
	want := []result{
		{"BenchmarkEndToEnd/email-2", map[string]float64{"ns/op": 2250000000, "touches/s": 888.5}},
		{"BenchmarkCeilingCopy-2", map[string]float64{"ns/op": 174293099, "rows/cpu-s": 5067140, "rows/s": 573756}},
	}
	if len(got) != len(want) {
		t.Fatalf("parse = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].name != want[i].name || !maps.Equal(got[i].metrics, want[i].metrics) {
			t.Errorf("result %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestNumAndRatio(t *testing.T) {
	for _, c := range []struct {
		v, ceiling float64
		num, ratio string
	}{
		{0, 100, "", ""},
		{999.4, 0, "999", ""},
		{1000, 10000, "1,000", "10.0 %"},
		{1234567.6, 2469135, "1,234,568", "50.0 %"},
	} {
		if got := num(c.v); got != c.num {
			t.Errorf("num(%v) = %q, want %q", c.v, got, c.num)
		}
		if got := ratio(c.v, c.ceiling); got != c.ratio {
			t.Errorf("ratio(%v, %v) = %q, want %q", c.v, c.ceiling, got, c.ratio)
		}
	}
}

func TestCPURate(t *testing.T) {
	m := map[string]float64{"pages/cpu-s": 6000, "cpu-µs/rows": 20, "db-cpu-µs/rows": 180, "copy-db-cpu-µs/row": 10}
	for _, c := range []struct {
		metric string
		want   float64
	}{
		{"", 0},
		{"pages/cpu-s", 6000},
		{"cpu-µs/rows", 5000}, // 20 + 180 µs a row
		{"copy-db-cpu-µs/row", 100_000},
		{"cpu-µs/enrollments", 0},
	} {
		if got := cpuRate(c.metric, m); got != c.want {
			t.Errorf("cpuRate(%q) = %v, want %v", c.metric, got, c.want)
		}
	}
}
