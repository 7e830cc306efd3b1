package redistest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// EnvURL names the environment variable that points tests at a Redis server.
const EnvURL = "DRIPLINE_TEST_REDIS_URL"

// DefaultURL is used when EnvURL is not set.
const DefaultURL = "redis://127.0.0.1:6379/0"

const (
	firstDB  = 1
	lastDB   = 15
	lockTTL  = 900 * time.Second
	waitFree = 2 * time.Minute // how long New waits when every database is taken
)

// release deletes a lock only if it still holds this test's token.
var release = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`)

// New reserves an empty Redis database for the test and returns how to reach
// it, as asynq options and as a redis:// URL. The database is flushed and
// released when the test ends.
func New(t testing.TB) (opt asynq.RedisClientOpt, rawURL string) {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		base = DefaultURL
	}
	o, err := redis.ParseURL(base)
	if err != nil {
		t.Fatalf("redistest: %s=%q: %v", EnvURL, base, err)
	}
	ctx := context.Background()
	locks := redis.NewClient(o)
	t.Cleanup(func() { locks.Close() })
	if err := locks.Ping(ctx).Err(); err != nil {
		t.Fatalf("redistest: Redis at %s is unreachable: %v (start it, or set %s)", o.Addr, err, EnvURL)
	}
	token := rand.Text()
	n := reserve(t, locks, o.DB, token)
	key := lockKey(n)

	do := *o
	do.DB = n
	db := redis.NewClient(&do)
	t.Cleanup(func() {
		defer db.Close()
		if err := db.FlushDB(ctx).Err(); err != nil {
			t.Errorf("redistest: flush database %d: %v", n, err)
		}
		if err := release.Run(ctx, locks, []string{key}, token).Err(); err != nil {
			t.Errorf("redistest: release %s: %v", key, err)
		}
	})
	if err := db.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("redistest: flush database %d: %v", n, err)
	}
	return clientOpt(&do), withDB(base, n)
}

// reserve locks a free database number, waiting up to waitFree for one.
func reserve(t testing.TB, locks *redis.Client, skip int, token string) int {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(waitFree)
	for {
		for n := firstDB; n <= lastDB; n++ {
			if n == skip {
				continue
			}
			ok, err := locks.SetNX(ctx, lockKey(n), token, lockTTL).Result()
			if err != nil {
				t.Fatalf("redistest: lock %s: %v", lockKey(n), err)
			}
			if ok {
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: every Redis test database %d-%d stayed taken for %v (keys dripline:testdb:N)",
				firstDB, lastDB, waitFree)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func lockKey(n int) string { return "dripline:testdb:" + strconv.Itoa(n) }

func clientOpt(o *redis.Options) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{
		Network:   o.Network,
		Addr:      o.Addr,
		Username:  o.Username,
		Password:  o.Password,
		DB:        o.DB,
		TLSConfig: o.TLSConfig,
	}
}

// withDB returns base with its database number replaced by n.
func withDB(base string, n int) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(fmt.Sprintf("redistest: URL parsed once already: %v", err))
	}
	u.Path = "/" + strconv.Itoa(n)
	u.RawQuery = ""
	return u.String()
}
