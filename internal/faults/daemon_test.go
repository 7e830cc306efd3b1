//go:build faults

package faults

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// buildDripline builds ./cmd/dripline into dir, or returns FAULTS_DRIPLINE
// when it names a prebuilt binary.
func buildDripline(ctx context.Context, dir string) (string, error) {
	if bin := os.Getenv("FAULTS_DRIPLINE"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("FAULTS_DRIPLINE: %w", err)
		}
		return bin, nil
	}
	bin := filepath.Join(dir, "dripline")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/dripline")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build dripline: %w\n%s", err, out)
	}
	return bin, nil
}

// settings are the environment a daemon and the commands run with: only
// these, nothing inherited but PATH and HOME.
type settings map[string]string

// with returns a copy of s with more settings.
func (s settings) with(kv ...string) settings {
	out := settings{}
	for k, v := range s {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func (s settings) environ() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range s {
		env = append(env, k+"="+v)
	}
	return env
}

// runDripline runs a one-shot dripline command and returns its output.
func runDripline(ctx context.Context, bin string, env settings, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env.environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("dripline %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// daemon is `dripline serve` running as a child process, so kill -9 is real.
type daemon struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
	err  error // how it exited, once done is closed

	killed bool // by Kill9
}

// startDaemon starts `dripline serve` with env, logging to dir/name.log.
// It returns once the process runs; the daemon connects on its own time.
func startDaemon(bin string, env settings, dir, name string) (*daemon, error) {
	d := &daemon{name: name, log: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	logf, err := os.OpenFile(d.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("daemon %s: %w", name, err)
	}
	defer logf.Close()
	d.cmd = exec.Command(bin, "serve")
	d.cmd.Env = env.environ()
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("daemon %s: start: %w", name, err)
	}
	go func() {
		d.err = d.cmd.Wait()
		close(d.done)
	}()
	return d, nil
}

// exited reports an error when the daemon is no longer running.
func (d *daemon) exited() error {
	select {
	case <-d.done:
		return fmt.Errorf("daemon %s exited: %v; its log:\n%s", d.name, d.err, d.logTail())
	default:
		return nil
	}
}

// Kill9 kills the daemon with SIGKILL, as a crash or the OOM killer does.
func (d *daemon) Kill9() error {
	d.killed = true
	if err := d.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("daemon %s: kill -9: %w", d.name, err)
	}
	<-d.done
	return nil
}

// Stop asks the daemon to stop (SIGTERM) and waits for it, killing it
// after a minute.
func (d *daemon) Stop() error {
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("daemon %s: stop: %w", d.name, err)
	}
	select {
	case <-d.done:
		return nil
	case <-time.After(time.Minute):
		_ = d.Kill9()
		return fmt.Errorf("daemon %s did not stop within a minute of SIGTERM", d.name)
	}
}

// logTail is the end of the daemon's log.
func (d *daemon) logTail() string {
	b, _ := os.ReadFile(d.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// faultTrack is the one track the suite runs: a new contact gets one email
// at once.
const faultTrack = `id: faults
name: Fault suite
kind: custom
enroll:
  on: [contact.created]
steps:
  - id: hello
    at: 0d
    email: { template: gi-welcome }
`

// writeTracks writes the suite's track library into dir/tracks.
func writeTracks(dir string) (string, error) {
	tracks := filepath.Join(dir, "tracks")
	if err := os.MkdirAll(tracks, 0o755); err != nil {
		return "", err
	}
	return tracks, os.WriteFile(filepath.Join(tracks, "faults.yaml"), []byte(faultTrack), 0o644)
}

// seed imports n contacts with `dripline contacts import`; each enrolls on
// the suite's track with its email due now.
func seed(ctx context.Context, bin string, env settings, dir string, n int) error {
	var b strings.Builder
	b.WriteString("external_id,email,first_name,last_name\n")
	for i := range n {
		fmt.Fprintf(&b, "c-%d,person%d@faults.example.com,Person,Number %d\n", i, i, i)
	}
	file := filepath.Join(dir, "contacts.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		return err
	}
	_, err := runDripline(ctx, bin, env, "contacts", "import", file)
	return err
}
