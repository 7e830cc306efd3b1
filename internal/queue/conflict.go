package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// resolveConflict looks at the task that holds a touch's TaskID. It reports
// whether the touch should be enqueued again: true when the task vanished or
// was finished and has been deleted.
func (q *Queue) resolveConflict(ctx context.Context, queue, id string) (again bool, err error) {
	info, err := q.insp.GetTaskInfo(queue, id)
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound):
		return true, nil // it finished meanwhile
	case err != nil:
		return false, fmt.Errorf("touch %s: inspect the task holding its id: %w", id, err)
	}
	switch info.State {
	case asynq.TaskStateArchived, asynq.TaskStateCompleted:
		err := q.insp.DeleteTask(queue, id)
		if err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
			return false, fmt.Errorf("touch %s: delete %s task: %w", id, info.State, err)
		}
		q.cfg.Logger.InfoContext(ctx, "queue: replaced a finished task", "touch", id,
			"state", info.State.String(), "last_error", info.LastErr)
		return true, nil
	case asynq.TaskStateActive:
		return q.recoverOrphan(ctx, queue, id)
	}
	return false, nil // pending, scheduled, retry: it will run
}

// orphanScript finds an active task that no worker holds a lease on.
// A task in the active list without a lease (asynq issues #1051, #1144) gets a
// lease that expired at the Unix epoch, so asynq's recoverer retries it; a
// task marked active but in no active list is deleted. asynq moves tasks
// between states only in Lua scripts, so neither shape is a passing moment.
//
// KEYS[1] task hash, KEYS[2] active list, KEYS[3] lease zset; ARGV[1] task id.
// Returns 0 when the task is held or not active, 1 when its lease was
// re-attached, 2 when it was deleted.
var orphanScript = redis.NewScript(`
if redis.call("HGET", KEYS[1], "state") ~= "active" then return 0 end
local leased = redis.call("ZSCORE", KEYS[3], ARGV[1])
if redis.call("LPOS", KEYS[2], ARGV[1]) then
  if leased then return 0 end
  redis.call("ZADD", KEYS[3], 0, ARGV[1])
  return 1
end
redis.call("ZREM", KEYS[3], ARGV[1])
redis.call("DEL", KEYS[1])
return 2
`)

// recoverOrphan runs orphanScript on the task holding a touch's id. It relies
// on asynq v0.26's key layout: asynq:{queue}:t:<id>, :active and :lease.
func (q *Queue) recoverOrphan(ctx context.Context, queue, id string) (again bool, err error) {
	prefix := "asynq:{" + queue + "}:"
	keys := []string{prefix + "t:" + id, prefix + "active", prefix + "lease"}
	n, err := orphanScript.Run(ctx, q.rdb, keys, id).Int()
	if err != nil {
		return false, fmt.Errorf("touch %s: check the active task holding its id: %w", id, err)
	}
	switch n {
	case 1:
		q.cfg.Logger.WarnContext(ctx, "queue: active task had no lease; asynq's recoverer will retry it", "touch", id)
	case 2:
		q.cfg.Logger.WarnContext(ctx, "queue: deleted a task marked active in no active list", "touch", id)
	}
	return n == 2, nil
}
