package letters

import (
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// batch is n sample letters.
func batch(n int) []Letter {
	ls := make([]Letter, n)
	for i := range ls {
		ls[i] = sampleLetter(i)
	}
	return ls
}

// BenchmarkPages renders a 300-letter batch and reports pages a second, of
// wall time and of CPU time (on a busy machine the two differ).
func BenchmarkPages(b *testing.B) {
	ls := batch(300)
	var pages int
	cpu := cpuTime()
	for b.Loop() {
		p, err := Render(io.Discard, Options{Sender: testSender}, ls)
		if err != nil {
			b.Fatal(err)
		}
		pages += p.Total()
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(pages)/(cpuTime()-cpu).Seconds(), "pages/cpu-s")
}

// Benchmark10000 renders a 10,000-letter batch with its envelopes and labels
// and reports the time, the peak Go heap while rendering and the process's
// peak resident memory (VmHWM).
func Benchmark10000(b *testing.B) {
	ls := batch(10000)
	runtime.GC()
	peak := startPeakHeap()
	var pages int
	start, cpu := time.Now(), cpuTime()
	for b.Loop() {
		p, err := Render(io.Discard, Options{Sender: testSender}, ls)
		if err != nil {
			b.Fatal(err)
		}
		pages = p.Total()
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/batch")
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/batch")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(vmHWM())/(1<<10), "peak-RSS-MB")
}

// startPeakHeap samples the Go heap every few milliseconds until the
// returned function is called, which gives the largest sample.
func startPeakHeap() func() uint64 {
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}

// cpuTime is the CPU time the process has used, user and system: on a busy
// machine it shows the work a batch takes, which wall time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM is the process's peak resident set in KiB, from /proc/self/status.
func vmHWM() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}
