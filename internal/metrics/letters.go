package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// scrapeTimeout bounds the queries a scrape runs.
const scrapeTimeout = 5 * time.Second

var lettersPendingDesc = prometheus.NewDesc("dripline_letters_pending",
	"Letters on the pile ready to print, by kind.", []string{"kind"}, nil)

// lettersCollector counts the letters pile when scraped.
type lettersCollector struct {
	letters LetterCounter
	log     *slog.Logger
}

func (c lettersCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lettersPendingDesc }

func (c lettersCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := c.letters(ctx)
	if err != nil {
		c.log.Error("metrics: count pending letters", "err", err)
		ch <- prometheus.NewInvalidMetric(lettersPendingDesc, err)
		return
	}
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(lettersPendingDesc, prometheus.GaugeValue, float64(n.Pending), n.Kind)
	}
}
