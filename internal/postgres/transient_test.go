package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestTransient(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("finish: %w", &pgconn.PgError{Code: code}) }
	tests := []struct {
		err  error
		want bool
	}{
		{pg("57P01"), true}, // admin_shutdown: restart, terminated backend
		{pg("57P03"), true}, // cannot_connect_now
		{pg("08006"), true}, // connection_failure
		{pg("08P01"), true}, // protocol_violation: class 08
		{pg("40001"), true}, // serialization_failure
		{pg("40P01"), true}, // deadlock_detected
		{pg("23505"), false},
		{pg("42P01"), false},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{context.Canceled, false},
		{fmt.Errorf("finish: %w", context.DeadlineExceeded), false},
		{engine.ErrConflict, false},
		{nil, false},
	}
	for _, tt := range tests {
		got := transient(tt.err)
		if is := errors.Is(got, engine.ErrTransient); is != tt.want {
			t.Errorf("transient(%v) marked %v, want %v", tt.err, is, tt.want)
		}
		if tt.err != nil && !errors.Is(got, tt.err) {
			t.Errorf("transient(%v) lost the cause: %v", tt.err, got)
		}
	}
}
