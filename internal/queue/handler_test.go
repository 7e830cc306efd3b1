package queue

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/hibiken/asynq"
)

type processorFunc func(ctx context.Context, id int64) error

func (f processorFunc) Process(ctx context.Context, id int64) error { return f(ctx, id) }

func TestHandle(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		payload string
		err     error // what Process returns
		want    string
		skip    bool
	}{
		{name: "ok", payload: "17"},
		{name: "temporary", payload: "17", err: boom, want: "touch 17: boom"},
		{name: "permanent", payload: "17", err: engine.Permanent(boom), want: "touch 17: boom: skip retry for the task", skip: true},
		{name: "suppress", payload: "17", err: &engine.SuppressError{Email: "a@example.com", Reason: "hard_bounce", Err: boom},
			want: "touch 17: boom: skip retry for the task", skip: true},
		{name: "not a number", payload: `{"id":17}`, want: `bad touch payload "{\"id\":17}": want a positive decimal touch id: skip retry for the task`, skip: true},
		{name: "zero", payload: "0", want: `bad touch payload "0": want a positive decimal touch id: skip retry for the task`, skip: true},
		{name: "plus", payload: "+5", want: `bad touch payload "+5": want a positive decimal touch id: skip retry for the task`, skip: true},
		{name: "empty", payload: "", want: `bad touch payload "": want a positive decimal touch id: skip retry for the task`, skip: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got int64
			s := NewServer(asynq.RedisClientOpt{}, ServerConfig{}, processorFunc(func(_ context.Context, id int64) error {
				got = id
				return tt.err
			}))
			err := s.handle(t.Context(), asynq.NewTask(TaskType, []byte(tt.payload)))
			if tt.want == "" {
				if err != nil || got != 17 {
					t.Fatalf("handle: %v, processed %d; want nil and 17", err, got)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("handle: %v, want %q", err, tt.want)
			}
			if errors.Is(err, asynq.SkipRetry) != tt.skip {
				t.Errorf("SkipRetry %v, want %v", !tt.skip, tt.skip)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("error %v does not wrap %v", err, tt.err)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	base, ceiling := 10*time.Second, 10*time.Minute
	delay := backoff(base, ceiling)
	for n, full := range []time.Duration{
		10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second,
		160 * time.Second, 320 * time.Second, ceiling, ceiling,
	} {
		for range 50 {
			if d := delay(n, nil, nil); d < full/2 || d > full {
				t.Fatalf("retry %d waits %v, want between %v and %v", n, d, full/2, full)
			}
		}
	}
	if d := delay(1<<20, nil, nil); d < ceiling/2 || d > ceiling {
		t.Errorf("retry 2^20 waits %v, want at most %v", d, ceiling)
	}
	// A touch that was not due yet runs again at its due time, however
	// often it was retried; one past due at once.
	due := time.Now().Add(3 * time.Hour)
	notDue := fmt.Errorf("attempt: %w", &engine.NotDueError{Touch: 1, Due: due})
	if d := delay(0, notDue, nil); d < 3*time.Hour-time.Minute || d > 3*time.Hour {
		t.Errorf("a touch due in 3h waits %v", d)
	}
	if d := delay(5, &engine.NotDueError{Touch: 1, Due: time.Now().Add(-time.Second)}, nil); d != 0 {
		t.Errorf("a touch due already waits %v, want 0", d)
	}
}

func FuzzParseTouchID(f *testing.F) {
	for _, s := range []string{"1", "9223372036854775807", "-1", "0x10", " 5", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		id, err := parseTouchID(p)
		if (err == nil) != (id > 0) {
			t.Fatalf("parseTouchID(%q) = %d, %v", p, id, err)
		}
	})
}
