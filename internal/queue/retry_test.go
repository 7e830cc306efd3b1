package queue

import (
	"errors"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
)

// TestRunRetries: once an outage ends, the touch it held back and one whose
// claim met a lock meanwhile run now; the touch waiting after a 4xx reply
// of its own keeps its backoff.
func TestRunRetries(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	p := newRecorder()
	p.errs[31] = []error{engine.Outage(errors.New("smtp: connection refused"))}
	p.errs[32] = []error{engine.Deferred(errors.New("smtp: 450 greylisted, try later"))}
	p.errs[33] = []error{errors.New("claim touch 33: could not obtain lock on row (SQLSTATE 55P03)")}
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(31, time.Now()), touch(32, time.Now()), touch(33, time.Now())}); err != nil {
		t.Fatal(err)
	}
	stop := runServerConfig(t, opt, p, ServerConfig{RetryBase: time.Hour, RetryMax: time.Hour})
	p.want(t, 31, 32, 33)
	stop() // waits for the workers, so asynq has recorded the failures
	for _, id := range []int64{31, 32, 33} {
		if st := taskInfo(t, insp, id).State; st != asynq.TaskStateRetry {
			t.Fatalf("task %d is %s, want retry", id, st)
		}
	}
	n, err := q.RunRetries(tracks.ChannelEmail)
	if err != nil || n != 2 {
		t.Fatalf("RunRetries = %d, %v; want 2 moved", n, err)
	}
	for _, id := range []int64{31, 33} {
		if st := taskInfo(t, insp, id).State; st != asynq.TaskStatePending {
			t.Errorf("task %d is %s; want pending", id, st)
		}
	}
	if st := taskInfo(t, insp, 32).State; st != asynq.TaskStateRetry {
		t.Errorf("task 32, greylisted, is %s; want still waiting for its retry", st)
	}
}
