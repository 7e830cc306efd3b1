package queue

import (
	"net/url"
	"strings"
	"testing"
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
		{in: "http://h:6379/0", err: `redis URL http://h:6379/0: scheme "http": want redis:// or rediss://`},
		{in: "127.0.0.1:6379", err: "redis URL: no scheme: want redis://host:port/db"},
		{in: "redis://a b/0", err: `redis URL: invalid character " " in host name`},
		{in: "redis:///0", err: "redis URL redis:///0: no host: want redis://host:port/db"},
		{in: "redis://:pw@h/x", err: `redis URL redis://:xxxxx@h/x: database "x": want a number such as /0`},
		{in: "redis://h/-1", err: `redis URL redis://h/-1: database "-1": want a number such as /0`},
		{in: "redis://h/0/1", err: `redis URL redis://h/0/1: database "0/1": want a number such as /0`},
		{in: "redis://h:0/0", err: `redis URL redis://h:0/0: port "0": want 1-65535`},
		{in: "redis://h:99999", err: `redis URL redis://h:99999: port "99999": want 1-65535`},
		{in: "redis://h:abc/0", err: `redis URL: invalid port ":abc" after host`},
		{in: "redis://h/0?dial_timeout=1s", err: "redis URL redis://h/0?dial_timeout=1s: query parameters and fragments are not supported"},
	}
	for _, tt := range tests {
		opt, err := ParseRedisURL(tt.in)
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
		if opt.Addr != tt.addr || opt.Username != tt.user || opt.Password != tt.pass || opt.DB != tt.db || (opt.TLSConfig != nil) != tt.tls {
			t.Errorf("ParseRedisURL(%q) = %+v", tt.in, opt)
		}
	}
}

func FuzzParseRedisURL(f *testing.F) {
	for _, s := range []string{DefaultRedisURL, "rediss://u:p@h:1/2", "redis://:p@[::1]/x", "redis://h:0"} {
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
		if opt.Addr == "" || opt.DB < 0 {
			t.Fatalf("ParseRedisURL(%q) = %+v", s, opt)
		}
	})
}
