package httpapi

import (
	"testing"
	"time"
)

func TestAddressLimit(t *testing.T) {
	l := newAddressLimit(2, time.Minute)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, tt := range []struct {
		addr string
		at   time.Duration
		ok   bool
		wait time.Duration
	}{
		{"1.2.3.4", 0, true, 0},
		{"1.2.3.4", 10 * time.Second, true, 0},
		{"1.2.3.4", 15 * time.Second, false, 45 * time.Second},
		{"5.6.7.8", 15 * time.Second, true, 0},
		{"1.2.3.4", 60 * time.Second, true, 0},
	} {
		ok, wait := l.allow(tt.addr, t0.Add(tt.at))
		if ok != tt.ok || wait != tt.wait {
			t.Errorf("request %d from %s: %v, %v; want %v, %v", i, tt.addr, ok, wait, tt.ok, tt.wait)
		}
	}
	l.forget(t0.Add(2 * time.Minute))
	if len(l.seen) != 0 {
		t.Errorf("forgot nothing: %v", l.seen)
	}
}
