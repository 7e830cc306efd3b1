package queue

import (
	"fmt"

	"github.com/dripline/dripline/tracks"
)

// RunRetries makes the tasks waiting in a channel's queue for a retry
// pending now, rather than after their backoff (up to
// ServerConfig.RetryMax): the touches an outage of the channel's transport
// held back, once it has ended. It reports how many it moved.
func (q *Queue) RunRetries(ch tracks.Channel) (int, error) {
	n, err := q.insp.RunAllRetryTasks(Name(q.cfg.Prefix, ch))
	if err != nil {
		return n, fmt.Errorf("run the retries of the %s queue: %w", ch, err)
	}
	return n, nil
}
