package email

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/dripline/dripline/internal/smtptest"
)

// BenchmarkSMTPSend sends messages to a loopback smtptest server through
// the pooled sender, from 4 × GOMAXPROCS goroutines, building each message.
//
//	go test -run '^$' -bench BenchmarkSMTPSend -benchtime 20000x ./internal/email/
func BenchmarkSMTPSend(b *testing.B) {
	for _, conns := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			srv := smtptest.Start(b, smtptest.Discard())
			s := newSender(b, srv, func(c *Config) { c.MaxConns = conns })
			var id atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := id.Add(1)
					m := build(envelope{id: MessageID(n, "example.com"), from: testFrom, to: testTo,
						unsubscribe: "https://crm.example.com/u/token"}, testEmail)
					if err := s.Send(context.Background(), m); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			if srv.Count() != b.N || srv.Connections() > conns {
				b.Fatalf("%d of %d messages over %d connections", srv.Count(), b.N, srv.Connections())
			}
		})
	}
}

// BenchmarkChannelDeliver is one email touch end to end inside the channel:
// address checks, merge data, template rendering, footer, message building
// and SMTP to a loopback server over 8 connections.
//
//	go test -run '^$' -bench BenchmarkChannelDeliver -benchtime 20000x ./internal/email/
func BenchmarkChannelDeliver(b *testing.B) {
	srv := smtptest.Start(b, smtptest.Discard())
	c := newChannel(b, newSender(b, srv, func(c *Config) { c.MaxConns = 8 }), nil)
	var id atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Deliver(context.Background(), dispatch(id.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "touches/s")
}
