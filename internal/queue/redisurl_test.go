package queue

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
)

func TestParseRedisURL(t *testing.T) {
	tests := []struct {
		in               string
		addr, user, pass string
		db               int
		tls              bool
		err              string
	}{
		{in: "redis://127.0.0.1:6379/0", addr: "127.0.0.1:6379"},
		{in: "redis://redis.internal", addr: "redis.internal:6379"},
		{in: "redis://localhost:6380/", addr: "localhost:6380"},
		{in: " redis://h:1/15 ", addr: "h:1", db: 15},
		{in: "redis://:s3cret@h/2", addr: "h:6379", pass: "s3cret", db: 2},
		{in: "redis://app:s3cret@h:7000/3", addr: "h:7000", user: "app", pass: "s3cret", db: 3},
		{in: "rediss://cache.example.com:6380/1", addr: "cache.example.com:6380", db: 1, tls: true},
		{in: "redis://[::1]:6379/4", addr: "[::1]:6379", db: 4},
		{in: "http://h:6379/0", err: `redis URL http://h:6379/0: scheme "http": want redis://, rediss:// or redis-sentinel://`},
		{in: "127.0.0.1:6379", err: "redis URL: no scheme: want redis://host:port/db"},
		{in: "redis://a b/0", err: `redis URL: invalid character " " in host name`},
		{in: "redis:///0", err: "redis URL redis:///0: no host: want redis://host:port/db"},
		{in: "redis://:pw@h/x", err: `redis URL redis://:xxxxx@h/x: database "x": want a number such as /0`},
		{in: "redis://h/-1", err: `redis URL redis://h/-1: database "-1": want a number such as /0`},
		{in: "redis://h/0/1", err: `redis URL redis://h/0/1: database "0/1": want a number such as /0`},
		{in: "redis://h:0/0", err: `redis URL redis://h:0/0: port "0": want 1-65535`},
		{in: "redis://h:99999", err: `redis URL redis://h:99999: port "99999": want 1-65535`},
		{in: "redis://h:abc/0", err: `redis URL: invalid port ":abc" after host`},
		{in: "redis://h/0?dial_timeout=1s", err: "redis URL redis://h/0?dial_timeout=1s: query parameters are not supported"},
		{in: "redis://h/0#x", err: "redis URL redis://h/0#x: fragments are not supported"},
	}
	for _, tt := range tests {
		conn, err := ParseRedisURL(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseRedisURL(%q): %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRedisURL(%q): %v", tt.in, err)
			continue
		}
		opt, ok := conn.(asynq.RedisClientOpt)
		if !ok || opt.Addr != tt.addr || opt.Username != tt.user || opt.Password != tt.pass || opt.DB != tt.db || (opt.TLSConfig != nil) != tt.tls {
			t.Errorf("ParseRedisURL(%q) = %+v", tt.in, opt)
		}
	}
}

func TestParseRedisSentinelURL(t *testing.T) {
	tests := []struct {
		in                     string
		master                 string
		addrs                  []string
		user, pass, sentinelPw string
		db                     int
		err                    string
	}{
		{in: "redis-sentinel://s1:26379,s2:26380/0?master=mymaster", master: "mymaster", addrs: []string{"s1:26379", "s2:26380"}},
		{in: "redis-sentinel://s1,s2,s3/2?master=m", master: "m", addrs: []string{"s1:26379", "s2:26379", "s3:26379"}, db: 2},
		{in: "redis-sentinel://:pw@s1:26379?master=m", master: "m", addrs: []string{"s1:26379"}, pass: "pw", sentinelPw: "pw"},
		{in: "redis-sentinel://app:pw@s1/1?master=m&sentinel_password=", master: "m", addrs: []string{"s1:26379"}, user: "app", pass: "pw", db: 1},
		{in: "redis-sentinel://:pw@s1?master=m&sentinel_password=spw", master: "m", addrs: []string{"s1:26379"}, pass: "pw", sentinelPw: "spw"},
		{in: "redis-sentinel://[::1]?master=m", master: "m", addrs: []string{"[::1]:26379"}},
		{in: "redis-sentinel://s1:26379/0", err: "redis URL redis-sentinel://s1:26379/0: no master: want ?master=NAME, the name the sentinels monitor"},
		{in: "redis-sentinel://s1?master=", err: "redis URL redis-sentinel://s1?master=: no master: want ?master=NAME, the name the sentinels monitor"},
		{in: "redis-sentinel://s1?master=m&master=n", err: `redis URL redis-sentinel://s1?master=m&master=n: query parameter "master" given 2 times`},
		{in: "redis-sentinel://s1?master=m&db=1", err: `redis URL redis-sentinel://s1?master=m&db=1: query parameter "db": want master or sentinel_password`},
		{in: "redis-sentinel://s1,,s2?master=m", err: `redis URL redis-sentinel://s1,,s2?master=m: sentinel 2: host "": no host name`},
		{in: "redis-sentinel://s1,s2:0?master=m", err: `redis URL redis-sentinel://s1,s2:0?master=m: sentinel 2: port "0": want 1-65535`},
		{in: "redis-sentinel://:pw@s1/x?master=m", err: `redis URL redis-sentinel://:xxxxx@s1/x?master=m: database "x": want a number such as /0`},
		{in: "redis-sentinel:///0?master=m", err: "redis URL redis-sentinel:///0?master=m: no host: want redis-sentinel://host:port/db"},
	}
	for _, tt := range tests {
		conn, err := ParseRedisURL(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseRedisURL(%q): %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		opt, ok := conn.(asynq.RedisFailoverClientOpt)
		if err != nil || !ok {
			t.Errorf("ParseRedisURL(%q) = %T, %v", tt.in, conn, err)
			continue
		}
		if opt.MasterName != tt.master || !slices.Equal(opt.SentinelAddrs, tt.addrs) || opt.Username != tt.user ||
			opt.Password != tt.pass || opt.SentinelPassword != tt.sentinelPw || opt.DB != tt.db {
			t.Errorf("ParseRedisURL(%q) = %+v", tt.in, opt)
		}
	}
}

func FuzzParseRedisURL(f *testing.F) {
	for _, s := range []string{DefaultRedisURL, "rediss://u:p@h:1/2", "redis://:p@[::1]/x", "redis://h:0",
		"redis-sentinel://:p@s1:26379,s2/1?master=m", "redis-sentinel://s1?master=m&sentinel_password=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		opt, err := ParseRedisURL(s)
		if err != nil {
			u, perr := url.Parse(strings.TrimSpace(s))
			if perr != nil || u.User == nil {
				return
			}
			// A password that shows nowhere else in the URL must not show in the error.
			pw, _ := u.User.Password()
			if len(pw) > 2 && !strings.Contains(u.Redacted(), pw) && strings.Contains(err.Error(), pw) {
				t.Fatalf("error %q shows the password", err)
			}
			return
		}
		switch opt := opt.(type) {
		case asynq.RedisClientOpt:
			if opt.Addr == "" || opt.DB < 0 {
				t.Fatalf("ParseRedisURL(%q) = %+v", s, opt)
			}
		case asynq.RedisFailoverClientOpt:
			if opt.MasterName == "" || len(opt.SentinelAddrs) == 0 || slices.Contains(opt.SentinelAddrs, "") || opt.DB < 0 {
				t.Fatalf("ParseRedisURL(%q) = %+v", s, opt)
			}
		default:
			t.Fatalf("ParseRedisURL(%q) = %T", s, opt)
		}
	})
}
