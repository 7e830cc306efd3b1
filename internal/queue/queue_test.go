package queue

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/redistest"
	"github.com/dripline/dripline/tracks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// testPrefix names the tests' queues; touch() makes email touches, which go
// to testQueue.
const (
	testPrefix = "touches-test"
	testQueue  = testPrefix + "-email"
)

// setup gives a test its own Redis database, a Queue on it and an Inspector.
func setup(t *testing.T) (asynq.RedisClientOpt, *Queue, *asynq.Inspector) {
	t.Helper()
	return setupConfig(t, Config{})
}

// setupConfig is setup with a Queue configured by cfg (its Prefix and Logger
// are the tests').
func setupConfig(t *testing.T, cfg Config) (asynq.RedisClientOpt, *Queue, *asynq.Inspector) {
	t.Helper()
	opt, _ := redistest.New(t)
	cfg.Prefix, cfg.Logger = testPrefix, testLogger(t)
	q, err := New(opt, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	insp := asynq.NewInspector(opt)
	t.Cleanup(func() { insp.Close() })
	return opt, q, insp
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func touch(id int64, due time.Time) engine.Touch {
	return engine.Touch{ID: id, Due: due, Channel: tracks.ChannelEmail}
}

func taskInfo(t *testing.T, insp *asynq.Inspector, id int64) *asynq.TaskInfo {
	t.Helper()
	info, err := insp.GetTaskInfo(testQueue, strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatalf("task %d: %v", id, err)
	}
	return info
}

func TestEnqueueSchedules(t *testing.T) {
	t.Parallel()
	_, q, insp := setup(t)
	due := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(42, due)}); err != nil {
		t.Fatal(err)
	}
	info := taskInfo(t, insp, 42)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(43, due.Add(-time.Millisecond))}); err != nil {
		t.Fatal(err)
	}
	if at := taskInfo(t, insp, 43).NextProcessAt; !at.Equal(due) {
		t.Errorf("touch due at %v: task at %v, want it rounded up to %v", due.Add(-time.Millisecond), at, due)
	}
	if info.ID != "42" || info.Type != TaskType || string(info.Payload) != "42" || info.Queue != testQueue {
		t.Errorf("task %+v, want id, payload 42 of type %s in %s", info, TaskType, testQueue)
	}
	if info.State != asynq.TaskStateScheduled || !info.NextProcessAt.Equal(due) {
		t.Errorf("task %s at %v, want scheduled at %v", info.State, info.NextProcessAt, due)
	}
	if info.MaxRetry != DefaultMaxRetry || info.Retention != 0 || info.Timeout != DefaultTimeout {
		t.Errorf("max retry %d, retention %v, timeout %v; want %d, 0, %v",
			info.MaxRetry, info.Retention, info.Timeout, DefaultMaxRetry, DefaultTimeout)
	}
}

func TestEnqueueTwiceKeepsOne(t *testing.T) {
	t.Parallel()
	_, q, insp := setup(t)
	due := time.Now().Add(time.Hour).Truncate(time.Second)
	batches := [][]engine.Touch{
		{touch(7, due), touch(8, due)},
		{touch(7, due.Add(time.Minute)), touch(8, due), touch(8, due)},
	}
	for _, b := range batches {
		if err := q.Enqueue(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	qi, err := insp.GetQueueInfo(testQueue)
	if err != nil {
		t.Fatal(err)
	}
	if qi.Size != 2 || qi.Scheduled != 2 {
		t.Errorf("queue holds %d tasks, %d scheduled; want 2 and 2", qi.Size, qi.Scheduled)
	}
	if at := taskInfo(t, insp, 7).NextProcessAt; !at.Equal(due) {
		t.Errorf("task 7 at %v, want the first enqueue's %v", at, due)
	}
}

func TestEnqueueReplacesArchivedTask(t *testing.T) {
	t.Parallel()
	_, q, insp := setup(t)
	due := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(5, due)}); err != nil {
		t.Fatal(err)
	}
	if err := insp.ArchiveTask(testQueue, "5"); err != nil {
		t.Fatal(err)
	}
	later := due.Add(time.Hour)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(5, later)}); err != nil {
		t.Fatal(err)
	}
	info := taskInfo(t, insp, 5)
	if info.State != asynq.TaskStateScheduled || !info.NextProcessAt.Equal(later) {
		t.Errorf("task %s at %v, want scheduled at %v", info.State, info.NextProcessAt, later)
	}
}

// orphan turns pending task id into one asynq would never run again: active,
// with no lease (asynq issues #1051, #1144), or active in no list at all.
func orphan(t *testing.T, opt asynq.RedisClientOpt, id string, inActiveList bool) redis.UniversalClient {
	t.Helper()
	rdb := NewRedisClient(opt)
	t.Cleanup(func() { rdb.Close() })
	ctx := t.Context()
	prefix := "asynq:{" + testQueue + "}:"
	if err := rdb.LRem(ctx, prefix+"pending", 0, id).Err(); err != nil {
		t.Fatal(err)
	}
	if inActiveList {
		if err := rdb.LPush(ctx, prefix+"active", id).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rdb.HSet(ctx, prefix+"t:"+id, "state", "active").Err(); err != nil {
		t.Fatal(err)
	}
	return rdb
}

func TestEnqueueRecoversOrphanedTask(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	past := time.Now().Add(-time.Minute)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(9, past)}); err != nil {
		t.Fatal(err)
	}
	rdb := orphan(t, opt, "9", true)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(9, past)}); err != nil {
		t.Fatal(err)
	}
	score, err := rdb.ZScore(t.Context(), "asynq:{"+testQueue+"}:lease", "9").Result()
	if err != nil || score != 0 {
		t.Fatalf("lease of task 9: %v, %v; want an expired lease (0)", score, err)
	}
	if st := taskInfo(t, insp, 9).State; st != asynq.TaskStateActive {
		t.Fatalf("task 9 is %s, want still active until asynq's recoverer runs", st)
	}
	p := newRecorder()
	stop := runServer(t, opt, p)
	p.want(t, 9)
	stop()
}

func TestEnqueueReplacesTaskInNoList(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	past := time.Now().Add(-time.Minute)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(11, past)}); err != nil {
		t.Fatal(err)
	}
	orphan(t, opt, "11", false)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(11, past)}); err != nil {
		t.Fatal(err)
	}
	if st := taskInfo(t, insp, 11).State; st != asynq.TaskStatePending {
		t.Fatalf("task 11 is %s, want pending again", st)
	}
}

func TestEnqueueLeavesRunningTask(t *testing.T) {
	t.Parallel()
	opt, q, insp := setup(t)
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(13, time.Now())}); err != nil {
		t.Fatal(err)
	}
	p := newRecorder()
	p.block = make(chan struct{})
	stop := runServer(t, opt, p)
	p.want(t, 13) // now active under a live lease
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(13, time.Now())}); err != nil {
		t.Fatal(err)
	}
	if st := taskInfo(t, insp, 13).State; st != asynq.TaskStateActive {
		t.Errorf("task 13 is %s, want active", st)
	}
	close(p.block)
	stop()
}

func TestEnqueueFailsWithoutRedis(t *testing.T) {
	t.Parallel()
	q, err := New(asynq.RedisClientOpt{Addr: "127.0.0.1:1"}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	err = q.Enqueue(t.Context(), []engine.Touch{touch(1, time.Now()), touch(2, time.Now())})
	if err == nil {
		t.Fatal("Enqueue without Redis succeeded")
	}
	if q.Ping(t.Context()) == nil {
		t.Error("Ping without Redis succeeded")
	}
}

func TestEnqueueCanceled(t *testing.T) {
	t.Parallel()
	_, q, _ := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := q.Enqueue(ctx, []engine.Touch{touch(1, time.Now())}); err == nil {
		t.Fatal("Enqueue with a canceled context succeeded")
	}
}
