package letters

import (
	"io"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/benchmeter"
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
	cpu := benchmeter.CPUTime()
	for b.Loop() {
		p, err := Render(io.Discard, Options{Sender: testSender}, ls)
		if err != nil {
			b.Fatal(err)
		}
		pages += p.Total()
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(pages)/(benchmeter.CPUTime()-cpu).Seconds(), "pages/cpu-s")
}

// Benchmark10000 renders a 10,000-letter batch with its envelopes and labels
// and reports the time, the peak Go heap while rendering and the process's
// peak resident memory (VmHWM).
func Benchmark10000(b *testing.B) {
	ls := batch(10000)
	runtime.GC()
	peak := startPeakHeap()
	var pages int
	start, cpu := time.Now(), benchmeter.CPUTime()
	for b.Loop() {
		p, err := Render(io.Discard, Options{Sender: testSender}, ls)
		if err != nil {
			b.Fatal(err)
		}
		pages = p.Total()
	}
	wall, cpuTime := time.Since(start).Seconds(), (benchmeter.CPUTime() - cpu).Seconds()
	b.ReportMetric(wall/float64(b.N), "s/batch")
	b.ReportMetric(cpuTime/float64(b.N), "cpu-s/batch")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(pages*b.N)/wall, "pages/s")
	b.ReportMetric(float64(pages*b.N)/cpuTime, "pages/cpu-s")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(benchmeter.PeakRSS())/(1<<20), "peak-RSS-MB")
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
