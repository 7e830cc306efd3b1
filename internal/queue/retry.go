package queue

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
)

// deferredMark is in the error asynq keeps with a task whose touch the other
// end refused for now (engine.IsDeferred: an SMTP 4xx reply), so that
// RunRetries can leave it to its backoff.
const deferredMark = "deferred by the receiver"

// retryPage is how many waiting tasks RunRetries reads at a time.
const retryPage = 1000

// RunRetries makes the tasks waiting in a channel's queue for a retry
// pending now, rather than after their backoff (up to
// ServerConfig.RetryMax): an outage of the channel's transport has ended,
// and the touches it held back, or that failed beside it (a claim that met
// a lock, a dropped connection) with a backoff the outage's retries had
// grown, go now. A task whose touch the other end refused for now (a 4xx
// reply: a greylisting server, a full mailbox) keeps its backoff, which
// running it early would only spend. It reports how many it moved.
func (q *Queue) RunRetries(ch tracks.Channel) (int, error) {
	name := Name(q.cfg.Prefix, ch)
	var waiting []string
	for page := 1; ; page++ {
		tasks, err := q.insp.ListRetryTasks(name, asynq.PageSize(retryPage), asynq.Page(page))
		if err != nil {
			return 0, fmt.Errorf("list the retries of the %s queue: %w", ch, err)
		}
		for _, t := range tasks {
			if !strings.Contains(t.LastErr, deferredMark) {
				waiting = append(waiting, t.ID)
			}
		}
		if len(tasks) < retryPage {
			break
		}
	}
	n := 0
	for _, id := range waiting {
		err := q.insp.RunTask(name, id)
		switch {
		case err == nil:
			n++
		case errors.Is(err, asynq.ErrTaskNotFound), strings.Contains(err.Error(), "already"):
			// Retried, finished or running since it was listed: asynq v0.26
			// exports no error for "task is already running" or "task is
			// already in pending state" (internal/rdb RunTask), only the text.
		default:
			return n, fmt.Errorf("run the retries of the %s queue: %w", ch, err)
		}
	}
	return n, nil
}
