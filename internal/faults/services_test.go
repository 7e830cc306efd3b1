//go:build faults

package faults

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// postgresCluster is a PostgreSQL cluster of the suite's own, in a temporary
// folder, listening on 127.0.0.1:port with trust authentication.
type postgresCluster struct {
	bin  string // folder of initdb and pg_ctl
	dir  string // holds data/, the socket and the log
	port int
	run  []string // prefix that runs a command as the cluster's owner; empty when not root
}

// startPostgres creates and starts a cluster. PostgreSQL refuses to run as
// root, so as root the cluster belongs to the postgres user.
func startPostgres(ctx context.Context, port int) (*postgresCluster, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dripline-faults-pg-")
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	c := &postgresCluster{bin: bin, dir: dir, port: port}
	if os.Geteuid() == 0 {
		if err := c.ownedByPostgres(); err != nil {
			return nil, err
		}
	}
	if err := c.cmd(ctx, "initdb", "-D", c.data(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"); err != nil {
		return nil, err
	}
	if err := c.cmd(ctx, "pg_ctl", c.ctlArgs("start")...); err != nil {
		return nil, err
	}
	return c, nil
}

// postgresBin finds the newest PostgreSQL's server binaries.
func postgresBin() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) < version(found[j]) })
	if len(found) > 0 {
		return filepath.Dir(found[len(found)-1]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	return "", errors.New("postgres: initdb and pg_ctl not found (in /usr/lib/postgresql/*/bin or on PATH): " +
		"install PostgreSQL's server (apt-get install postgresql, or `make services`)")
}

// version is the major version in a /usr/lib/postgresql/N/bin path.
func version(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// ownedByPostgres hands the cluster's folder to the postgres user.
func (c *postgresCluster) ownedByPostgres() error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("postgres: running as root needs a postgres user to own the cluster: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(c.dir, uid, gid); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		return fmt.Errorf("postgres: running as root needs runuser to start PostgreSQL as postgres: %w", err)
	}
	c.run = []string{runuser, "-u", "postgres", "--"}
	return nil
}

func (c *postgresCluster) data() string { return filepath.Join(c.dir, "data") }

// ctlArgs are pg_ctl's arguments for action: wait for it, log to the
// cluster's folder, listen on loopback only. fsync is off: the suite
// restarts the server, it never crashes the machine.
func (c *postgresCluster) ctlArgs(action string, extra ...string) []string {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off", c.port, c.dir)
	args := []string{"-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "-o", opts}
	return append(append(args, extra...), action)
}

// cmd runs one of the cluster's binaries as its owner.
func (c *postgresCluster) cmd(ctx context.Context, name string, args ...string) error {
	argv := append(append(append([]string(nil), c.run...), filepath.Join(c.bin, name)), args...)
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("postgres: %s: %w\n%s%s", strings.Join(argv, " "), err, out, c.logTail())
	}
	return nil
}

// logTail is the end of the server's log, for errors.
func (c *postgresCluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// URL is the connection string of database db on the cluster.
func (c *postgresCluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Restart stops the server fast (clients are disconnected, as in a
// failover) and starts it again.
func (c *postgresCluster) Restart(ctx context.Context) error {
	return c.cmd(ctx, "pg_ctl", c.ctlArgs("restart", "-m", "fast")...)
}

// Close stops the server at once and removes the cluster.
func (c *postgresCluster) Close() error {
	err := c.cmd(context.Background(), "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
	return errors.Join(err, os.RemoveAll(c.dir))
}

// redisServer is a Redis of the suite's own, a child process without
// persistence: a restart comes back empty, as after a crash.
type redisServer struct {
	port int
	log  string
	cmd  *exec.Cmd
	done chan error
}

// startRedis starts redis-server on 127.0.0.1:port and waits until it answers.
func startRedis(ctx context.Context, port int, log string) (*redisServer, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, errors.New("redis: redis-server not found on PATH: install it (apt-get install redis-server, or `make services`)")
	}
	r := &redisServer{port: port, log: log}
	return r, r.Start(ctx)
}

// Start starts the server, which must not be running, and waits for it.
func (r *redisServer) Start(ctx context.Context) error {
	logf, err := os.OpenFile(r.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	defer logf.Close()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("redis: start: %w", err)
	}
	r.done = make(chan error, 1)
	go func(cmd *exec.Cmd, done chan<- error) { done <- cmd.Wait() }(r.cmd, r.done)
	return poll(ctx, 30*time.Second, "redis to answer on port "+strconv.Itoa(r.port), func() error {
		select {
		case err := <-r.done:
			return fmt.Errorf("%w: redis-server exited: %v (see %s)", errStop, err, r.log)
		default:
		}
		return r.do(ctx, func(c *redis.Client) error { return c.Ping(ctx).Err() })
	})
}

// Kill stops the server at once (SIGKILL) and waits for it to exit.
func (r *redisServer) Kill() error {
	if err := r.cmd.Process.Kill(); err != nil {
		return fmt.Errorf("redis: kill: %w", err)
	}
	<-r.done
	return nil
}

// FlushAll empties every database, as an operator's FLUSHALL does.
func (r *redisServer) FlushAll(ctx context.Context) error {
	return r.do(ctx, func(c *redis.Client) error { return c.FlushAll(ctx).Err() })
}

// URL is a REDIS_URL for database 0.
func (r *redisServer) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

// do runs f on a short-lived client.
func (r *redisServer) do(ctx context.Context, f func(*redis.Client) error) error {
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port), MaxRetries: -1})
	defer c.Close()
	if err := f(c); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}
