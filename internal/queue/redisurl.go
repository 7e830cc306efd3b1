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
//	redis-sentinel://[[user]:password@]host1[:port],host2[:port]…[/db]?master=NAME[&sentinel_password=P]
//
// The port defaults to 6379 (26379 for sentinels) and the database to 0;
// rediss connects with TLS (1.2 or later) and checks the server's certificate
// against host. redis-sentinel asks the sentinels for the master named NAME
// and follows it when they fail over (asynq.RedisFailoverClientOpt); the
// user and password log in to the master, and to the sentinels too unless
// sentinel_password gives theirs. Errors name the URL with its password
// masked.
func ParseRedisURL(s string) (asynq.RedisConnOpt, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return nil, errors.New("redis URL: no scheme: want redis://host:port/db")
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password and all
		}
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("redis URL %s: "+format, append([]any{u.Redacted()}, args...)...)
	}
	switch {
	case u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "redis-sentinel":
		return nil, bad("scheme %q: want redis://, rediss:// or redis-sentinel://", u.Scheme)
	case u.Opaque != "" || u.Host == "":
		return nil, bad("no host: want %s://host:port/db", u.Scheme)
	case u.Fragment != "":
		return nil, bad("fragments are not supported")
	case u.Scheme == "redis-sentinel":
		return parseSentinel(u, bad)
	case u.RawQuery != "":
		return nil, bad("query parameters are not supported")
	}
	addr, err := hostPort(u.Host, "6379")
	if err != nil {
		return nil, bad("%v", err)
	}
	db, err := parseDB(u.Path)
	if err != nil {
		return nil, bad("%v", err)
	}
	opt := asynq.RedisClientOpt{Addr: addr, DB: db}
	opt.Username, opt.Password = userPassword(u)
	if u.Scheme == "rediss" {
		opt.TLSConfig = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	return opt, nil
}

// parseSentinel reads the rest of a redis-sentinel:// URL.
func parseSentinel(u *url.URL, bad func(string, ...any) error) (asynq.RedisConnOpt, error) {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, bad("query: %v", err)
	}
	for k, v := range q {
		if k != "master" && k != "sentinel_password" {
			return nil, bad("query parameter %q: want master or sentinel_password", k)
		}
		if len(v) > 1 {
			return nil, bad("query parameter %q given %d times", k, len(v))
		}
	}
	opt := asynq.RedisFailoverClientOpt{MasterName: q.Get("master")}
	if opt.MasterName == "" {
		return nil, bad("no master: want ?master=NAME, the name the sentinels monitor")
	}
	for h := range strings.SplitSeq(u.Host, ",") {
		addr, err := hostPort(h, "26379")
		if err != nil {
			return nil, bad("sentinel %d: %v", len(opt.SentinelAddrs)+1, err)
		}
		opt.SentinelAddrs = append(opt.SentinelAddrs, addr)
	}
	if opt.DB, err = parseDB(u.Path); err != nil {
		return nil, bad("%v", err)
	}
	opt.Username, opt.Password = userPassword(u)
	opt.SentinelPassword = opt.Password
	if q.Has("sentinel_password") {
		opt.SentinelPassword = q.Get("sentinel_password")
	}
	return opt, nil
}

// hostPort reads "host", "host:port" or "[v6]:port", with port 1-65535
// defaulting to def.
func hostPort(h, def string) (string, error) {
	host, port := h, def
	if strings.HasPrefix(h, "[") || strings.Count(h, ":") == 1 {
		var err error
		if host, port, err = net.SplitHostPort(h); err != nil {
			if !strings.HasSuffix(h, "]") {
				return "", fmt.Errorf("host %q: want host:port", h)
			}
			host, port = strings.Trim(h, "[]"), def
		}
	}
	if host == "" {
		return "", fmt.Errorf("host %q: no host name", h)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strings.HasPrefix(port, "+") {
		return "", fmt.Errorf("port %q: want 1-65535", port)
	}
	return net.JoinHostPort(host, port), nil
}

// userPassword returns the URL's user name and password, if any.
func userPassword(u *url.URL) (user, password string) {
	if u.User == nil {
		return "", ""
	}
	password, _ = u.User.Password()
	return u.User.Username(), password
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

// NewRedisClient returns a go-redis client for opt (a plain client, or a
// failover client that follows the sentinels), for health checks and tools
// that talk to Redis directly. The caller closes it.
func NewRedisClient(opt asynq.RedisConnOpt) redis.UniversalClient {
	return opt.MakeRedisClient().(redis.UniversalClient)
}
