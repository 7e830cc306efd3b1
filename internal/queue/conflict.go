package queue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// resolveConflict looks at the task that holds a touch's TaskID. It reports
// whether the touch should be enqueued again: true when the task vanished or
// was finished, or was orphaned by a dead worker, and has been deleted.
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
		return q.recoverOrphan(ctx, queue, id, time.Now())
	}
	return false, nil // pending, scheduled, retry: it will run
}

// What orphanScript did with an active task.
const (
	orphanHeld     = 0 // held under a live lease, or not active
	orphanLeased   = 1 // in the active list without a lease: given an expired one
	orphanUnlisted = 2 // marked active in no active list: deleted
	orphanExpired  = 3 // in the active list under an expired lease: deleted
)

// orphanScript finds an active task that no live worker holds, in one of
// three shapes. asynq moves tasks between states only in Lua scripts, so
// none of them is a passing moment.
//
//   - In the active list under a lease that has expired: the worker that
//     took it died (kill -9, a lost host) or has not reached Redis for as
//     long. asynq v0.26's heartbeater extends the lease of each task its
//     server runs every 5 s to 30 s ahead, so a lease in the past means no
//     heartbeat for 25 s or more; asynq's recoverer would retry the task only
//     30 s after that and at its next run, once a minute. The task is taken
//     out of the active list and the lease set and deleted, and the touch
//     is enqueued anew.
//   - In the active list without a lease (asynq issues #1051, #1144): given a
//     lease that expired at the Unix epoch, so asynq's recoverer retries it,
//     unless a live worker's heartbeat extends it first (it updates existing
//     entries only); a later conflict finds it expired and deletes it.
//   - Marked active in no active list: deleted.
//
// Deleting an active task is safe because Enqueue is only asked for touches
// the store has just made queued, so no claim on the touch is live: the
// reconciler requeues a running touch only once its engine lease expired,
// that is once its worker stopped renewing it. A worker that is slow but
// alive (frozen, or cut off from PostgreSQL and Redis) and wakes up later
// cannot act twice, for two reasons. In asynq: its own copy of the lease
// has expired too (it ends where the score does, up to the second the
// score cuts off, which is why the score must be a whole second in the
// past), and asynq's processor then cancels the handler and never writes
// that task to Redis again, so it cannot remove the new task that now
// carries the same id. In the engine: the new task's claim counted an
// attempt, and attempts is the fence every renewal, release and finish of
// the old claim must match, so the old worker's renewal stops, its release
// changes nothing and its finish is refused and logged as a lost claim
// (a message it was already sending may go out twice, as the engine lease
// allows). Scores are written with the worker's clock and compared with
// this one's, as asynq's and the engine's own leases are.
//
// KEYS[1] task hash, KEYS[2] active list, KEYS[3] lease zset; ARGV[1] task
// id, ARGV[2] the latest whole-second score that counts as expired.
// Returns one of the orphan constants.
var orphanScript = redis.NewScript(`
if redis.call("HGET", KEYS[1], "state") ~= "active" then return 0 end
local leased = redis.call("ZSCORE", KEYS[3], ARGV[1])
if redis.call("LPOS", KEYS[2], ARGV[1]) then
  if not leased then
    redis.call("ZADD", KEYS[3], 0, ARGV[1])
    return 1
  end
  if tonumber(leased) > tonumber(ARGV[2]) then return 0 end
  redis.call("LREM", KEYS[2], 0, ARGV[1])
  redis.call("ZREM", KEYS[3], ARGV[1])
  redis.call("DEL", KEYS[1])
  return 3
end
redis.call("ZREM", KEYS[3], ARGV[1])
redis.call("DEL", KEYS[1])
return 2
`)

// recoverOrphan runs orphanScript on the task holding a touch's id, with
// now as the time leases are judged by. It relies on asynq v0.26's key
// layout (asynq:{queue}:t:<id>, :active and :lease) and on its lease
// scores being Unix seconds, cut off: a lease scored s lasts until before
// s+1, so only scores up to now's second minus one have surely expired.
func (q *Queue) recoverOrphan(ctx context.Context, queue, id string, now time.Time) (again bool, err error) {
	prefix := "asynq:{" + queue + "}:"
	keys := []string{prefix + "t:" + id, prefix + "active", prefix + "lease"}
	expired := strconv.FormatInt(now.Unix()-1, 10)
	n, err := orphanScript.Run(ctx, q.rdb, keys, id, expired).Int()
	if err != nil {
		return false, fmt.Errorf("touch %s: check the active task holding its id: %w", id, err)
	}
	switch n {
	case orphanLeased:
		q.cfg.Logger.WarnContext(ctx, "queue: active task had no lease; asynq's recoverer will retry it", "touch", id)
	case orphanUnlisted:
		q.cfg.Logger.WarnContext(ctx, "queue: deleted a task marked active in no active list", "touch", id)
	case orphanExpired:
		q.cfg.Logger.WarnContext(ctx, "queue: deleted the active task of a dead worker (asynq lease expired); touch enqueued again", "touch", id)
	}
	return n == orphanUnlisted || n == orphanExpired, nil
}
