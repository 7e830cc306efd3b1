package queue

import (
	"errors"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
)

// TestRunRetries: once an outage ends, the touch it held back runs now; the
// touch waiting after a 4xx reply of its own keeps its backoff.
func TestRunRetries(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	p := newRecorder()
	p.errs[31] = []error{engine.Outage(errors.New("smtp: connection refused"))}
	p.errs[32] = []error{errors.New("smtp: 450 greylisted, try later")}
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(31, time.Now()), touch(32, time.Now())}); err != nil {
		t.Fatal(err)
	}
	stop := runServerConfig(t, opt, p, ServerConfig{RetryBase: time.Hour, RetryMax: time.Hour})
	p.want(t, 31, 32)
	stop() // waits for the workers, so asynq has recorded the failures
	for _, id := range []int64{31, 32} {
		if st := taskInfo(t, insp, id).State; st != asynq.TaskStateRetry {
			t.Fatalf("task %d is %s, want retry", id, st)
		}
	}
	n, err := q.RunRetries(tracks.ChannelEmail)
	if err != nil || n != 1 {
		t.Fatalf("RunRetries = %d, %v; want 1 moved", n, err)
	}
	if st := taskInfo(t, insp, 31).State; st != asynq.TaskStatePending {
		t.Errorf("task 31, held back by the outage, is %s; want pending", st)
	}
	if st := taskInfo(t, insp, 32).State; st != asynq.TaskStateRetry {
		t.Errorf("task 32, greylisted, is %s; want still waiting for its retry", st)
	}
}
