// Package progress draws the line long work shows on a terminal while it
// runs: how much is done of how much, the rate, and the time left.
//
//	bar := progress.New(os.Stderr, size, progress.Bytes, progress.Options{})
//	r := bar.Reader(file) // counts what is read through it
//	…
//	bar.Finish()
//
// A nil *Bar does nothing, so a command that is told to be quiet, or whose
// output is not a terminal (see [ForTerminal]), passes nil along.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Unit says how a Bar's counts read.
type Unit int

// The units a Bar counts in.
const (
	Bytes Unit = iota // shown as KiB, MiB, GiB
	Items             // shown as plain numbers, with Options.Noun
)

// Clock tells a Bar the time; tests give it a virtual one.
type Clock interface {
	Now() time.Time
}

// Options configures a Bar. Zero fields take the documented defaults.
type Options struct {
	Label string        // printed first, such as the file's name
	Noun  string        // what Items counts ("rows"); default "items"
	Every time.Duration // redraw at most this often; default 200ms
	Clock Clock         // default the wall clock
}

// Bar is one progress line. It is safe for concurrent use.
type Bar struct {
	w     io.Writer
	total int64
	unit  Unit
	opts  Options
	start time.Time

	mu    sync.Mutex
	done  int64
	drawn time.Time // when the line was last drawn
}

// New returns a Bar drawing on w, counting up to total (0 when unknown).
func New(w io.Writer, total int64, unit Unit, opts Options) *Bar {
	if opts.Noun == "" {
		opts.Noun = "items"
	}
	if opts.Every <= 0 {
		opts.Every = 200 * time.Millisecond
	}
	if opts.Clock == nil {
		opts.Clock = wallClock{}
	}
	return &Bar{w: w, total: total, unit: unit, opts: opts, start: opts.Clock.Now()}
}

// ForTerminal returns New(w, …) when w is a terminal and quiet is false, and
// nil otherwise.
func ForTerminal(w io.Writer, quiet bool, total int64, unit Unit, opts Options) *Bar {
	if quiet || !IsTerminal(w) {
		return nil
	}
	return New(w, total, unit, opts)
}

// IsTerminal reports whether w is a character device such as a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Add counts n more done and redraws the line when it is due.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	now := b.opts.Clock.Now()
	if now.Sub(b.drawn) < b.opts.Every {
		return
	}
	b.drawn = now
	fmt.Fprintf(b.w, "\r%s\x1b[K", b.line(now))
}

// Finish draws the line a last time and ends it.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(b.w, "\r%s\x1b[K\n", b.line(b.opts.Clock.Now()))
}

// Reader returns r counting what is read through it; a nil Bar returns r.
func (b *Bar) Reader(r io.Reader) io.Reader {
	if b == nil {
		return r
	}
	return reader{r, b}
}

type reader struct {
	r   io.Reader
	bar *Bar
}

func (r reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.bar.Add(int64(n))
	return n, err
}

// line is the text of the progress line at now:
// "file.csv  12.0 MiB / 64.0 MiB  19%  4.0 MiB/s  13s left".
func (b *Bar) line(now time.Time) string {
	s := b.count(b.done)
	if b.opts.Label != "" {
		s = b.opts.Label + "  " + s
	}
	if b.total > 0 {
		s += fmt.Sprintf(" / %s  %d%%", b.count(b.total), 100*b.done/b.total)
	}
	elapsed := now.Sub(b.start)
	if elapsed <= 0 || b.done == 0 {
		return s
	}
	rate := float64(b.done) / elapsed.Seconds()
	s += "  " + b.count(int64(rate)) + "/s"
	if b.total > b.done {
		left := time.Duration(float64(b.total-b.done) / rate * float64(time.Second))
		s += "  " + left.Round(time.Second).String() + " left"
	}
	return s
}

// count formats n in the bar's unit.
func (b *Bar) count(n int64) string {
	if b.unit == Items {
		return fmt.Sprintf("%d %s", n, b.opts.Noun)
	}
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
