package queue

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
)

// outageMark is in the error asynq keeps with a task that an outage of its
// channel's transport held back (engine.IsOutage), so that RunRetries can
// tell such a task from one waiting after a failure of its own.
const outageMark = "held back by an outage"

// retryPage is how many waiting tasks RunRetries reads at a time.
const retryPage = 1000

// RunRetries makes the tasks an outage of a channel's transport held back,
// waiting in its queue for a retry, pending now rather than after their
// backoff (up to ServerConfig.RetryMax): the outage has ended. Tasks
// waiting after a failure of their own (a 4xx reply: a greylisting server,
// a full mailbox) keep their backoff, which running them early would only
// spend. It reports how many it moved.
func (q *Queue) RunRetries(ch tracks.Channel) (int, error) {
	name := Name(q.cfg.Prefix, ch)
	var held []string
	for page := 1; ; page++ {
		tasks, err := q.insp.ListRetryTasks(name, asynq.PageSize(retryPage), asynq.Page(page))
		if err != nil {
			return 0, fmt.Errorf("list the retries of the %s queue: %w", ch, err)
		}
		for _, t := range tasks {
			if strings.Contains(t.LastErr, outageMark) {
				held = append(held, t.ID)
			}
		}
		if len(tasks) < retryPage {
			break
		}
	}
	n := 0
	for _, id := range held {
		err := q.insp.RunTask(name, id)
		switch {
		case err == nil:
			n++
		case errors.Is(err, asynq.ErrTaskNotFound), strings.Contains(err.Error(), "already"):
			// retried, finished or running since it was listed
		default:
			return n, fmt.Errorf("run the retries of the %s queue: %w", ch, err)
		}
	}
	return n, nil
}
