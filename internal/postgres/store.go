package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

var (
	_ engine.Store = (*Store)(nil)
	_ engine.Tx    = (*tx)(nil)
)

// Store is the engine's state in PostgreSQL. It is safe for concurrent use,
// also by several processes sharing one database.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string) and checks that it answers. It does not migrate: call
// Migrate for that.
func Open(ctx context.Context, url string) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return &Store{pool: pool}, nil
}

// New returns a store working on pool; Close closes the pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Close closes every connection of the store.
func (s *Store) Close() { s.pool.Close() }

// Pool returns the connection pool, for migrations and for queries outside
// the engine's ports.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Tx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise.
func (s *Store) Tx(ctx context.Context, fn func(engine.Tx) error) error {
	return inTx(ctx, s.pool, func(_ pgx.Tx, x *tx) error { return fn(x) })
}

// tx implements engine.Tx on one PostgreSQL transaction.
type tx struct {
	q     querier
	after []func() // AfterCommit's functions
}

// inTx runs fn in one transaction, given both as pgx.Tx and as the engine's
// tx, and once it commits runs what was registered with AfterCommit. A
// failure worth retrying is marked engine.Transient.
func inTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx, *tx) error) error {
	x := &tx{}
	err := pgx.BeginFunc(ctx, pool, func(t pgx.Tx) error {
		x.q = t
		return fn(t, x)
	})
	if err != nil {
		return transient(err)
	}
	for _, f := range x.after {
		f()
	}
	return nil
}

// AfterCommit implements engine.Tx.
func (x *tx) AfterCommit(fn func()) { x.after = append(x.after, fn) }

// querier is what both a pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error)
}

// notFound turns pgx.ErrNoRows into engine.ErrNotFound, leaving other errors
// as they are.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return engine.ErrNotFound
	}
	return err
}

// uniqueViolation reports whether err broke the named unique constraint or index.
func uniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == constraint
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// nullID is the query argument storing id, NULL when it is 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// timeOf reads a nullable timestamp as the zero time when NULL, in UTC otherwise.
func timeOf(ts pgtype.Timestamptz) time.Time {
	if !ts.Valid {
		return time.Time{}
	}
	return ts.Time.UTC()
}

// idOf reads a nullable id as 0 when NULL.
func idOf(id pgtype.Int8) int64 {
	if !id.Valid {
		return 0
	}
	return id.Int64
}

// tableOf names the table of each kind of row with a state column.
var tableOf = map[string]string{"touch": "touches", "enrollment": "enrollments"}

// wrongState explains why an update of a touch or enrollment (kind) in the
// wanted state matched no row: engine.ErrNotFound, or engine.ErrConflict
// naming the state it is in.
func wrongState(ctx context.Context, q querier, kind string, id int64, want string) error {
	var state string
	err := q.QueryRow(ctx, `SELECT state FROM `+tableOf[kind]+` WHERE id = $1`, id).Scan(&state)
	if err != nil {
		return notFound(err)
	}
	return fmt.Errorf("%s is %s, not %s: %w", kind, state, want, engine.ErrConflict)
}
