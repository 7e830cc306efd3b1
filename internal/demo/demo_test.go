package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/crm"
	"github.com/dripline/dripline/internal/demo"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
)

func TestLoadTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	lib, set, err := engine.ReadLibrary("", "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	clk := clock.NewVirtual(now)
	eng, err := engine.New(engine.Config{Store: postgres.New(pool), Clock: clk, Library: lib, Templates: set})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.LoadLibrary(ctx); err != nil {
		t.Fatal(err)
	}
	store, err := crm.New(postgres.NewCRM(pool), crm.Options{Sink: eng, Clock: clk, Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	first, err := demo.Load(ctx, store, now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Reps != len(demo.Reps) || first.NewContacts == 0 || first.NewContacts != first.Contacts || first.Events == 0 || first.Enrolled == 0 {
		t.Errorf("first load: %+v, want every rep and contact new, events and enrollments", first)
	}
	var sold time.Time
	if err := pool.QueryRow(ctx, "SELECT max(at) FROM events WHERE name = 'sale.closed'").Scan(&sold); err != nil {
		t.Fatal(err)
	}
	if want := now.AddDate(0, 0, -4); !sold.Equal(want) {
		t.Errorf("sales dated %s, want four days before now, %s", sold, want)
	}
	again, err := demo.Load(ctx, store, now)
	if err != nil {
		t.Fatalf("second load: %v", err)
	}
	if again.NewContacts != 0 || again.Contacts != first.Contacts {
		t.Errorf("second load: %+v, want the same contacts and none new", again)
	}
}
