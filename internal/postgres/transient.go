package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5/pgconn"
)

// transientCodes are the SQLSTATEs after which the same transaction may
// succeed when tried again: the server shutting down, restarting or not yet
// accepting connections, a serialization failure, a deadlock.
var transientCodes = map[string]bool{
	"57P01": true, // admin_shutdown: the backend was terminated or the server stops
	"57P02": true, // crash_shutdown
	"57P03": true, // cannot_connect_now: the server is starting
	"40001": true, // serialization_failure
	"40P01": true, // deadlock_detected
}

// transient marks err with engine.Transient when trying again may succeed:
// one of transientCodes, a connection exception (class 08), or the
// connection itself failing (refused, reset, closed mid-query). A canceled
// context is not transient.
func transient(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if isTransient(err) {
		return engine.Transient(err)
	}
	return err
}

func isTransient(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return transientCodes[pe.Code] || strings.HasPrefix(pe.Code, "08")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || pgconn.SafeToRetry(err)
}
