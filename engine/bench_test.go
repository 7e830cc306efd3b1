package engine_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/queue"
	"github.com/dripline/dripline/internal/redistest"
	"github.com/dripline/dripline/internal/smtptest"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// benchContacts is how many touches each end-to-end round carries out.
const benchContacts = 2000

// benchWorkers is how many asynq workers run each channel's touches in the
// end-to-end benchmark. The engine claims and finishes touches in batches
// of those waiting meanwhile, so more workers make bigger batches and cost
// less CPU per touch: about 850 µs (process + PostgreSQL) with 32 workers,
// 650 µs with 64, 590 µs with 128 for an email.
const benchWorkers = 64

// BenchmarkEndToEnd measures touches per second from due to done: the
// scheduler's tick hands them to asynq, benchWorkers workers claim them,
// carry them out and log the activity in PostgreSQL. The email case sends
// each through the email channel to a loopback SMTP server over at most 8
// connections. It reports the CPU time per touch of this process and of
// the PostgreSQL backends (not Redis's).
func BenchmarkEndToEnd(b *testing.B) {
	b.Run("call", func(b *testing.B) { benchEndToEnd(b, "bench-call", nil) })
	b.Run("email", func(b *testing.B) {
		srv := smtptest.Start(b, smtptest.Discard())
		cfg, err := email.ParseURL(srv.URL())
		if err != nil {
			b.Fatal(err)
		}
		cfg.MaxConns = 8
		sender, err := email.NewSMTPSender(cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { sender.Close() })
		set, err := templates.Load("testdata/templates")
		if err != nil {
			b.Fatal(err)
		}
		ch, err := email.NewChannel(email.ChannelConfig{Templates: set, Sender: sender,
			PublicURL: "https://dripline.example", Secret: []byte("bench"), DefaultFrom: "Summit <hi@summit.example>"})
		if err != nil {
			b.Fatal(err)
		}
		benchEndToEnd(b, "bench-email", map[tracks.Channel]engine.Channel{tracks.ChannelEmail: ch})
	})
}

func benchEndToEnd(b *testing.B, track string, channels map[tracks.Channel]engine.Channel) {
	opt, _ := redistest.New(b)
	q, err := queue.New(opt, queue.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { q.Close() })
	f := setupWith(b, channels, q)
	ids := f.bulkContacts(benchContacts)
	rec := recorder{f.eng, make(chan int64, benchContacts)}
	srv := queue.NewServer(opt, queue.ServerConfig{Concurrency: map[tracks.Channel]int{tracks.ChannelCall: benchWorkers, tracks.ChannelEmail: benchWorkers}, TaskCheckInterval: 10 * time.Millisecond,
		DelayedTaskCheckInterval: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}, rec)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx) }()
	b.ResetTimer()
	m := pgtest.StartMeter(b, f.store.Pool())
	for range b.N {
		if n, err := f.eng.EnrollMany(f.ctx, track, ids); err != nil || n != len(ids) {
			b.Fatalf("EnrollMany = %d, %v", n, err)
		}
		if n, err := f.eng.Tick(f.ctx); err != nil || n != len(ids) {
			b.Fatalf("Tick = %d, %v", n, err)
		}
		for range ids {
			<-rec.done
		}
	}
	b.StopTimer()
	_, self, server := m.Spent(b)
	n := float64(b.N * len(ids))
	b.ReportMetric(n/b.Elapsed().Seconds(), "touches/s")
	b.ReportMetric(float64(self.Microseconds())/n, "cpu-µs/touch")
	b.ReportMetric(float64(server.Microseconds())/n, "db-cpu-µs/touch")
	cancel()
	if err := <-served; err != nil {
		b.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM activities`); n != b.N*len(ids) {
		b.Fatalf("%d activities logged, want %d", n, b.N*len(ids))
	}
}

// bulkContacts inserts n prospects owned by the fixture's rep in one statement.
func (f *fixture) bulkContacts(n int) []int64 {
	f.t.Helper()
	rows, err := f.store.Pool().Query(f.ctx, `
		INSERT INTO contacts (email, first_name, status, time_zone, owner_id)
		SELECT 'bench' || g || '@example.com', 'Pat', 'prospect', 'America/Chicago', $2
		FROM generate_series(1, $1) g RETURNING id`, n, f.rep.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
