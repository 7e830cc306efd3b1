// Package metrics is Dripline's observability: the Prometheus metrics served
// at /metrics and the readiness check served at /readyz.
//
// # Metrics
//
//   - dripline_touches_total{channel,outcome}: touches that reached a final
//     state (done, skipped, canceled, failed), heard as an engine.Observer;
//   - dripline_touch_lag_seconds: histogram of due → final;
//   - dripline_claims_lost_total: touches carried out by a worker that found
//     them claimed again when finishing (they may have gone out twice);
//   - dripline_smtp_replies_total{class}: the SMTP reply that ended each
//     message, by class (2xx, 4xx, 5xx);
//   - dripline_tick_duration_seconds: histogram of scheduler ticks;
//   - dripline_letters_pending{kind}: letters on the pile ready to print
//     (not printed, purged or emailed; with a usable address), counted when
//     scraped;
//   - asynq_*: asynq's own queue metrics (size, latency, processed, failed)
//     from its x/metrics collector, one series per channel queue;
//   - go_* and process_*: the Go runtime and the process.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	asynqmetrics "github.com/hibiken/asynq/x/metrics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dripline/dripline/engine"
)

// LetterCounter counts the whole letters pile by kind, such as
// postgres.Letters.Counts for every owner.
type LetterCounter func(ctx context.Context) ([]engine.LetterCount, error)

// Options says what a Metrics collects besides its own counters. Nil fields
// leave their metrics out.
type Options struct {
	Letters LetterCounter    // dripline_letters_pending
	Queues  *asynq.Inspector // asynq's queue metrics
	Logger  *slog.Logger     // scrape failures; default discards
}

// Metrics holds Dripline's metrics in a registry of its own. It is an
// engine.ClaimObserver; the SMTP sender reports replies to SMTPReply and
// the scheduler its ticks to ObserveTick. Safe for concurrent use.
type Metrics struct {
	reg     *prometheus.Registry
	log     *slog.Logger
	touches *prometheus.CounterVec
	lag     prometheus.Histogram
	lost    prometheus.Counter
	smtp    *prometheus.CounterVec
	tick    prometheus.Histogram
}

var _ engine.ClaimObserver = (*Metrics)(nil)

// New registers the metrics and the collectors opts names.
func New(opts Options) *Metrics {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: opts.Logger,
		touches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dripline_touches_total", Help: "Touches that reached a final state, by channel and outcome.",
		}, []string{"channel", "outcome"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dripline_touch_lag_seconds", Help: "Time from a touch's due time to its final state.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400},
		}),
		lost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dripline_claims_lost_total", Help: "Touches whose worker found them claimed again when finishing: they may have gone out twice.",
		}),
		smtp: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dripline_smtp_replies_total", Help: "SMTP replies that ended a message, by class (2xx, 4xx, 5xx).",
		}, []string{"class"}),
		tick: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dripline_tick_duration_seconds", Help: "Duration of the scheduler's ticks.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
		}),
	}
	m.reg.MustRegister(m.touches, m.lag, m.lost, m.smtp, m.tick,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if opts.Letters != nil {
		m.reg.MustRegister(lettersCollector{opts.Letters, m.log})
	}
	if opts.Queues != nil {
		m.reg.MustRegister(asynqmetrics.NewQueueMetricsCollector(opts.Queues))
	}
	return m
}

// TouchFinished counts a touch's outcome and its lag.
func (m *Metrics) TouchFinished(f engine.Finished) {
	m.touches.WithLabelValues(string(f.Touch.Channel), string(f.Touch.State)).Inc()
	m.lag.Observe(f.Lag.Seconds())
}

// ClaimLost counts a touch that may have gone out twice.
func (m *Metrics) ClaimLost(engine.Touch) { m.lost.Inc() }

// SMTPReply counts the reply code that ended a message.
func (m *Metrics) SMTPReply(code int) {
	if code < 200 || code > 599 {
		return
	}
	m.smtp.WithLabelValues(strconv.Itoa(code/100) + "xx").Inc()
}

// ObserveTick records how long a scheduler tick took.
func (m *Metrics) ObserveTick(d time.Duration) { m.tick.Observe(d.Seconds()) }

// Handler serves the metrics in Prometheus' text format. A collector that
// fails leaves its metrics out of that scrape and is logged.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog: slogErrors{m.log}, ErrorHandling: promhttp.ContinueOnError,
	})
}

// slogErrors lets promhttp log through slog.
type slogErrors struct{ log *slog.Logger }

func (s slogErrors) Println(v ...any) { s.log.Error("metrics", "err", v) }
