package httpapi

import (
	"sync"
	"time"
)

// addressLimit allows each client address n requests a window (a fixed
// window per address, in memory: each daemon counts its own). It is safe for
// concurrent use.
type addressLimit struct {
	n      int
	window time.Duration
	mu     sync.Mutex
	seen   map[string]*addressCount
}

// addressCount is one address's requests in its current window.
type addressCount struct {
	start time.Time
	n     int
}

// newAddressLimit allows n requests per window per address.
func newAddressLimit(n int, window time.Duration) *addressLimit {
	return &addressLimit{n: n, window: window, seen: map[string]*addressCount{}}
}

// allow counts a request from addr at now. When addr is over its limit it
// reports false and how long until its window ends.
func (l *addressLimit) allow(addr string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > 10000 {
		l.forget(now)
	}
	c := l.seen[addr]
	if c == nil || now.Sub(c.start) >= l.window {
		c = &addressCount{start: now}
		l.seen[addr] = c
	}
	if c.n >= l.n {
		return false, c.start.Add(l.window).Sub(now)
	}
	c.n++
	return true, 0
}

// forget drops the addresses whose window has ended.
func (l *addressLimit) forget(now time.Time) {
	for addr, c := range l.seen {
		if now.Sub(c.start) >= l.window {
			delete(l.seen, addr)
		}
	}
}
