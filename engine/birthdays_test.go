package engine_test

import (
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
)

func TestBirthdayLetterEveryYearOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	born := time.Date(1980, 1, 6, 0, 0, 0, 0, time.UTC)
	c := f.contact("pat@example.com", func(c *engine.Contact) { c.Birthday = &born })
	f.contact("other@example.com")

	for year := 2026; year <= 2027; year++ {
		f.clock.Set(time.Date(year, 1, 6, 7, 0, 0, 0, time.UTC))
		for run := range 2 { // a second daemon, or a second run the same day
			n, err := f.eng.Birthdays(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int]int{0: 1, 1: 0}[run]; n != want {
				t.Fatalf("%d run %d: %d birthdays, want %d", year, run, n, want)
			}
		}
		f.runUntil(f.clock.Now().Add(time.Hour))
	}
	if n := f.count(`SELECT count(*) FROM letters WHERE contact_id = $1`, c.ID); n != 2 {
		t.Fatalf("%d birthday letters over two years, want 2", n)
	}
}
