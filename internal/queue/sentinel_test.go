package queue

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/redistest"
)

// A redis-sentinel:// REDIS_URL reaches the master through a real sentinel
// (redis-server --sentinel on a free port, watching the test's Redis): the
// queue enqueues there and the task lands in the master's database.
func TestQueueThroughSentinel(t *testing.T) {
	t.Parallel()
	opt, _ := redistest.New(t)
	sentinel := startSentinel(t, "dripline-test", opt.Addr)
	conn, err := ParseRedisURL(fmt.Sprintf("redis-sentinel://%s/%d?master=dripline-test", sentinel, opt.DB))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := conn.(asynq.RedisFailoverClientOpt); !ok {
		t.Fatalf("ParseRedisURL = %T, want asynq.RedisFailoverClientOpt", conn)
	}
	q, err := New(conn, Config{Prefix: testPrefix, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := q.Enqueue(t.Context(), []engine.Touch{touch(7, time.Now().Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	direct := asynq.NewInspector(opt)
	defer direct.Close()
	if info := taskInfo(t, direct, 7); info.State != asynq.TaskStateScheduled {
		t.Fatalf("task 7 is %v on the master, want scheduled", info.State)
	}
}

// startSentinel runs a sentinel monitoring the master at addr under name and
// returns its address once it has taken the master on. It stops with the test.
func startSentinel(t *testing.T, name, addr string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server (package redis-server) runs the sentinel: %v", err)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(t.TempDir(), "sentinel.conf")
	text := fmt.Sprintf("port %d\nbind 127.0.0.1\nsentinel resolve-hostnames yes\nsentinel monitor %s %s %s 1\n", listen, name, host, port)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, conf, "--sentinel")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var log []string
	for sc := bufio.NewScanner(out); sc.Scan(); {
		log = append(log, sc.Text())
		if strings.Contains(sc.Text(), "+monitor master "+name) {
			go func() { _, _ = io.Copy(io.Discard, out) }() // keep its log from filling the pipe
			return fmt.Sprintf("127.0.0.1:%d", listen)
		}
	}
	t.Fatalf("sentinel did not start:\n%s", strings.Join(log, "\n"))
	return ""
}
