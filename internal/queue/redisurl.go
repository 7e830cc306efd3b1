package queue

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// DefaultRedisURL is the Redis the daemon uses when REDIS_URL is not set.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

// ParseRedisURL reads a REDIS_URL of the form
//
//	redis://[[user]:password@]host[:port][/db]
//	rediss://[[user]:password@]host[:port][/db]
//
// The port defaults to 6379 and the database to 0; rediss connects with TLS
// (1.2 or later) and checks the server's certificate against host. Errors name
// the URL with its password masked.
func ParseRedisURL(s string) (asynq.RedisClientOpt, error) {
	var opt asynq.RedisClientOpt
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return opt, errors.New("redis URL: no scheme: want redis://host:port/db")
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password and all
		}
		return opt, fmt.Errorf("redis URL: %w", err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("redis URL %s: "+format, append([]any{u.Redacted()}, args...)...)
	}
	switch {
	case u.Scheme != "redis" && u.Scheme != "rediss":
		return opt, bad("scheme %q: want redis:// or rediss://", u.Scheme)
	case u.Opaque != "" || u.Hostname() == "":
		return opt, bad("no host: want redis://host:port/db")
	case u.RawQuery != "" || u.Fragment != "":
		return opt, bad("query parameters and fragments are not supported")
	}
	port := u.Port()
	if port == "" {
		port = "6379"
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return opt, bad("port %q: want 1-65535", port)
	}
	db, err := parseDB(u.Path)
	if err != nil {
		return opt, bad("%v", err)
	}
	opt.Addr = net.JoinHostPort(u.Hostname(), port)
	opt.DB = db
	if u.User != nil {
		opt.Username = u.User.Username()
		opt.Password, _ = u.User.Password()
	}
	if u.Scheme == "rediss" {
		opt.TLSConfig = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	return opt, nil
}

// parseDB reads the database number from a URL path: "", "/" or "/N".
func parseDB(path string) (int, error) {
	p := strings.TrimPrefix(path, "/")
	if p == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 || strings.HasPrefix(p, "+") {
		return 0, fmt.Errorf("database %q: want a number such as /0", p)
	}
	return n, nil
}

// NewRedisClient returns a go-redis client for opt, for health checks and
// tools that talk to Redis directly. The caller closes it.
func NewRedisClient(opt asynq.RedisClientOpt) *redis.Client {
	return opt.MakeRedisClient().(*redis.Client)
}
