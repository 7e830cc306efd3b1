package progress_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/progress"
)

var t0 = time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)

func TestLine(t *testing.T) {
	tests := []struct {
		name  string
		total int64
		unit  progress.Unit
		opts  progress.Options
		after time.Duration
		done  int64
		want  string
	}{
		{"bytes with a total", 64 << 20, progress.Bytes, progress.Options{Label: "c.csv"}, 4 * time.Second, 16 << 20,
			"c.csv  16.0 MiB / 64.0 MiB  25%  4.0 MiB/s  12s left"},
		{"rows without a total", 0, progress.Items, progress.Options{Noun: "rows"}, 2 * time.Second, 3000,
			"3000 rows  1500 rows/s"},
		{"small counts", 2048, progress.Bytes, progress.Options{}, time.Second, 512,
			"512 B / 2.0 KiB  25%  512 B/s  3s left"},
		{"nothing done yet", 1 << 30, progress.Bytes, progress.Options{}, time.Second, 0,
			"0 B / 1.0 GiB  0%"},
		{"all done", 10, progress.Items, progress.Options{}, time.Second, 10,
			"10 items / 10 items  100%  10 items/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewVirtual(t0)
			tt.opts.Clock = clk
			var out bytes.Buffer
			bar := progress.New(&out, tt.total, tt.unit, tt.opts)
			clk.Advance(tt.after)
			bar.Add(tt.done)
			bar.Finish()
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\r")
			if got := strings.TrimSuffix(lines[len(lines)-1], "\x1b[K"); got != tt.want {
				t.Errorf("line = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRedrawsAtMostEvery(t *testing.T) {
	clk := clock.NewVirtual(t0)
	var out bytes.Buffer
	bar := progress.New(&out, 100, progress.Items, progress.Options{Clock: clk, Every: time.Second})
	for range 10 {
		bar.Add(1)
		clk.Advance(300 * time.Millisecond)
	}
	// Drawn at 0s, 1.2s, 2.4s: three times in 3 seconds, not ten.
	if n := strings.Count(out.String(), "\r"); n != 3 {
		t.Errorf("drawn %d times, want 3: %q", n, out.String())
	}
}

func TestReaderCounts(t *testing.T) {
	clk := clock.NewVirtual(t0)
	var out bytes.Buffer
	bar := progress.New(&out, 5, progress.Bytes, progress.Options{Clock: clk})
	var got bytes.Buffer
	if _, err := got.ReadFrom(bar.Reader(strings.NewReader("hello"))); err != nil || got.String() != "hello" {
		t.Fatalf("read %q, %v", got.String(), err)
	}
	bar.Finish()
	if !strings.Contains(out.String(), "5 B / 5 B  100%") {
		t.Errorf("output %q does not count the 5 bytes", out.String())
	}
}

func TestQuietOrNotATerminal(t *testing.T) {
	var out bytes.Buffer
	if bar := progress.ForTerminal(&out, false, 1, progress.Bytes, progress.Options{}); bar != nil {
		t.Error("a buffer is not a terminal, yet a Bar was made")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if progress.IsTerminal(f) {
		t.Error("a regular file is taken for a terminal")
	}
	var bar *progress.Bar // quiet: nil does nothing
	bar.Add(1)
	bar.Finish()
	if r := bar.Reader(strings.NewReader("x")); r == nil {
		t.Error("a nil Bar's Reader is nil")
	}
}
