// Package queue carries due touches from the scheduler to workers through
// asynq on Redis. PostgreSQL stays the source of truth: Redis only holds the
// touches due soon, and losing it loses nothing the reconciler cannot put back.
//
// # Tasks
//
// Each touch becomes one asynq task of type [TaskType] whose payload is the
// touch id in decimal and whose TaskID is that same id, so enqueueing a touch
// twice leaves one task. It goes to its channel's queue ([Name]:
// touches-email, touches-letter, touches-call, touches-task). It is
// scheduled for the touch's due time rounded up to a whole second, asynq's
// resolution, so it never starts early. Its MaxRetry is high
// ([DefaultMaxRetry]) because the engine counts attempts in PostgreSQL and
// decides when a touch fails, and it has no retention, so a finished task
// frees its id at once.
//
// # Promotion
//
// Left to asynq, a touch would start up to a second late, waiting for its
// rounded-up second, plus up to [ServerConfig.DelayedTaskCheckInterval] (5s
// by default) for asynq's forwarder to move it to the pending list. So
// [Queue.Enqueue] also remembers, in memory, each touch it scheduled and its
// exact due time, and [Queue.Promote], running beside the workers, wakes at
// each due time and moves the touches due from the scheduled set to the
// pending list in one Lua script per queue, as the forwarder would. It
// moves a task only while it is still in the scheduled set for the second
// Enqueue gave it: one the forwarder moved already, or that runs, retries,
// was archived, deleted or scheduled anew for another second, is left alone.
// The script relies on asynq v0.26's key layout (asynq:{queue}:t:ID,
// :scheduled, :pending). The scheduled second stays the durable fallback:
// touches scheduled by a daemon that stopped, or beyond
// [Config.PromoteLimit] remembered at once, are forwarded by asynq at their
// second, as before, never earlier. (Another daemon deleting a task and
// scheduling the same touch again within the same second, due later, is
// the one case a promotion could start a touch up to that difference
// early; nothing in Dripline deletes a scheduled task.)
//
// # Conflicts
//
// asynq keeps a TaskID taken as long as a task with that id exists in any
// state. When [Queue.Enqueue] meets one it asks the asynq Inspector what it is:
//
//   - pending, scheduled, retry, or active under a live asynq lease: it will
//     run, so it is left as it is (the contract of engine.Queue);
//   - archived (a permanent failure, or retries exhausted) or completed (a
//     retention set by an older version): the engine asked for the touch
//     again, so the old task is deleted and the touch enqueued anew;
//   - active under an asynq lease that has expired: its worker died (kill -9)
//     or has not reached Redis for 25 s or more. asynq's recoverer would retry
//     it only 30 s later and at its next run, once a minute; it is deleted and
//     the touch enqueued anew, so a dead worker's touch runs again within
//     max(engine lease, asynq's 30 s lease) plus a reconcile or two. The
//     engine's claim fence keeps a worker that was only slow from acting
//     twice (see orphanScript);
//   - active with no worker lease, which happens after Redis trouble (asynq
//     issues #1051, #1144): asynq would never touch it again, so it is given a
//     lease that has already expired and asynq's recoverer retries it within a
//     minute, or the next conflict deletes it. A task marked active that is in
//     no active list is deleted and enqueued anew. These checks read asynq's
//     Redis keys directly (asynq:{queue}:t:ID, :active, :lease), as laid out
//     in asynq v0.26.
//
// # Throughput
//
// asynq has no batch enqueue: each task is one round trip running a Lua
// script. [Queue.Enqueue] therefore keeps [Config.Parallel] enqueues in flight
// on the shared connection pool (see BenchmarkEnqueue).
//
// # Workers
//
// [Server] runs one asynq server per channel, each on its channel's queue
// with its own number of workers ([ServerConfig.Concurrency]), so a slow
// SMTP server holds back email alone; each hands its tasks to a
// [Processor]. A payload that is not a touch id, or an error marked
// engine.Permanent, ends the task (asynq.SkipRetry: it is archived); any other
// error is retried after an exponential backoff with jitter (see
// [ServerConfig.RetryBase]). Duplicate deliveries are possible and are the
// Processor's to detect.
package queue
