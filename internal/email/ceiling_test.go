package email

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"github.com/dripline/dripline/internal/benchmeter"
	"github.com/dripline/dripline/internal/smtptest"
)

// BenchmarkCeilingSMTP is the loopback SMTP server's accept rate through
// go-mail alone: one small prebuilt message sent again and again over 8
// connections, none of the project's code in the way. `make bench` prints
// the email figures beside it.
func BenchmarkCeilingSMTP(b *testing.B) {
	const conns = 8
	srv := smtptest.Start(b, smtptest.Discard())
	cfg, err := ParseURL(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	opts, err := clientOptions(withDefaults(cfg))
	if err != nil {
		b.Fatal(err)
	}
	clients := make(chan *gomail.Client, conns)
	for range conns {
		c, err := gomail.NewClient(cfg.Host, opts...)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.DialWithContext(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = c.Close() })
		clients <- c
	}
	cpu := benchmeter.Since()
	b.ResetTimer()
	var wg sync.WaitGroup
	var sent atomic.Int64
	for range conns {
		c, m := <-clients, ceilingMsg(b) // a Msg is not safe to send from two goroutines
		wg.Go(func() {
			for sent.Add(1) <= int64(b.N) {
				if err := c.Send(m); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(b.N)/cpu().Seconds(), "msgs/cpu-s")
}

// ceilingMsg is the smallest plain-text message.
func ceilingMsg(b *testing.B) *gomail.Msg {
	m := gomail.NewMsg()
	if err := m.From(testFrom.Address); err != nil {
		b.Fatal(err)
	}
	if err := m.To(testTo.Address); err != nil {
		b.Fatal(err)
	}
	m.Subject("ceiling")
	m.SetBodyString(gomail.TypeTextPlain, "Hello.\n")
	return m
}
