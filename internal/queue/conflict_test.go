package queue

import (
	"errors"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// deadWorker gives pending task id the shape a killed worker leaves: in the
// active list, marked active, under an asynq lease scored lease (Unix
// seconds), which no heartbeat extends any more.
func deadWorker(t *testing.T, opt asynq.RedisClientOpt, id string, lease int64) redis.UniversalClient {
	t.Helper()
	rdb := orphan(t, opt, id, true)
	if err := rdb.ZAdd(t.Context(), "asynq:{"+testQueue+"}:lease", redis.Z{Score: float64(lease), Member: id}).Err(); err != nil {
		t.Fatal(err)
	}
	return rdb
}

func TestEnqueueReplacesTaskOfDeadWorker(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	past := time.Now().Add(-time.Minute)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(15, past)}); err != nil {
		t.Fatal(err)
	}
	rdb := deadWorker(t, opt, "15", time.Now().Add(-10*time.Second).Unix())
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(15, past)}); err != nil {
		t.Fatal(err)
	}
	if st := taskInfo(t, insp, 15).State; st != asynq.TaskStatePending {
		t.Fatalf("task 15 is %s, want pending again", st)
	}
	prefix := "asynq:{" + testQueue + "}:"
	if n, err := rdb.LPos(t.Context(), prefix+"active", "15", redis.LPosArgs{}).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("task 15 still in the active list at %d (%v)", n, err)
	}
	if s, err := rdb.ZScore(t.Context(), prefix+"lease", "15").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("task 15 still leased until %v (%v)", s, err)
	}
	wantRun(t, opt, 15)
}

// wantRun runs a server until it has processed touch id.
func wantRun(t *testing.T, opt asynq.RedisClientOpt, id int64) {
	t.Helper()
	p := newRecorder()
	defer runServer(t, opt, p)()
	p.want(t, id)
}

// TestOrphanLeaseBoundary judges leases by a fixed clock: asynq scores a
// lease in whole seconds, cut off, so a lease scored in the current second
// or the one before may still be live in its worker.
func TestOrphanLeaseBoundary(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	now := time.Unix(2_000_000_000, 500_000_000)
	past := time.Now().Add(-time.Minute)
	for _, c := range []struct {
		id    int64
		lease int64
		again bool
	}{
		{21, now.Unix() + 30, false}, // a live worker's: its heartbeat keeps it 25–30 s ahead
		{22, now.Unix(), false},      // lasts until before now+1 s
		{23, now.Unix() - 1, true},   // ended before now
	} {
		if err := q.Enqueue(t.Context(), []engine.Touch{touch(c.id, past)}); err != nil {
			t.Fatal(err)
		}
		id := taskInfo(t, insp, c.id).ID
		deadWorker(t, opt, id, c.lease)
		again, err := q.recoverOrphan(t.Context(), testQueue, id, now)
		if err != nil {
			t.Fatal(err)
		}
		info, err := insp.GetTaskInfo(testQueue, id)
		switch {
		case again != c.again:
			t.Errorf("lease scored %d at %v: enqueue again %v, want %v", c.lease, now, again, c.again)
		case c.again && !errors.Is(err, asynq.ErrTaskNotFound):
			t.Errorf("task %s under an expired lease: %v, %v; want deleted", id, info, err)
		case !c.again && (err != nil || info.State != asynq.TaskStateActive):
			t.Errorf("task %s under a live lease: %v, %v; want left active", id, info, err)
		}
	}
}
