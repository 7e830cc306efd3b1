package redistest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestNewIsolatesAndCleansUp(t *testing.T) {
	var dbs []int
	var urls []string
	t.Run("use", func(t *testing.T) {
		for range 2 {
			opt, url := New(t)
			if !strings.HasSuffix(url, "/"+strconv.Itoa(opt.DB)) {
				t.Errorf("URL %s does not name database %d", url, opt.DB)
			}
			c := redis.NewClient(&redis.Options{Addr: opt.Addr, DB: opt.DB})
			defer c.Close()
			if n, err := c.DBSize(t.Context()).Result(); err != nil || n != 0 {
				t.Fatalf("database %d holds %d keys (%v), want empty", opt.DB, n, err)
			}
			if err := c.Set(t.Context(), "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
			dbs = append(dbs, opt.DB)
			urls = append(urls, url)
		}
	})
	if len(dbs) != 2 || dbs[0] == dbs[1] || dbs[0] < firstDB || dbs[1] > lastDB {
		t.Fatalf("databases %v, want two different ones in %d-%d", dbs, firstDB, lastDB)
	}
	for i, u := range urls {
		o, err := redis.ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		c := redis.NewClient(o)
		defer c.Close()
		if n, _ := c.DBSize(t.Context()).Result(); n != 0 {
			t.Errorf("database %d holds %d keys after the test, want it flushed", dbs[i], n)
		}
	}
}
