package queue

import (
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

func TestRunRetries(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	past := time.Now().Add(-time.Minute)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(31, past), touch(32, past)}); err != nil {
		t.Fatal(err)
	}
	rdb := NewRedisClient(opt)
	t.Cleanup(func() { rdb.Close() })
	prefix := "asynq:{" + testQueue + "}:"
	for _, id := range []string{"31", "32"} { // as asynq's Retry leaves a failed task: due in ten minutes
		pipe := rdb.TxPipeline()
		pipe.LRem(t.Context(), prefix+"pending", 0, id)
		pipe.ZAdd(t.Context(), prefix+"retry", redis.Z{Score: float64(time.Now().Add(10 * time.Minute).Unix()), Member: id})
		pipe.HSet(t.Context(), prefix+"t:"+id, "state", "retry")
		if _, err := pipe.Exec(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if st := taskInfo(t, insp, 31).State; st != asynq.TaskStateRetry {
		t.Fatalf("task 31 is %s, want retry", st)
	}
	n, err := q.RunRetries(tracks.ChannelEmail)
	if err != nil || n != 2 {
		t.Fatalf("RunRetries = %d, %v; want 2 moved", n, err)
	}
	for _, id := range []int64{31, 32} {
		if st := taskInfo(t, insp, id).State; st != asynq.TaskStatePending {
			t.Errorf("task %d is %s, want pending", id, st)
		}
	}
}
