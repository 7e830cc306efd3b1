package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// OpenMigrated creates the database url names when it is missing, connects
// and applies the migrations: for the daemon and the commands that write.
// Unless url sets pool_max_conns, the pool holds maxConns connections
// (pgx's default when maxConns is 0).
func OpenMigrated(ctx context.Context, url string, maxConns int32) (*Store, error) {
	if err := CreateDatabase(ctx, url); err != nil {
		return nil, err
	}
	pcfg, err := poolConfig(url, maxConns)
	if err != nil {
		return nil, err
	}
	return connect(ctx, pcfg, Migrate)
}

// OpenReadOnly connects for commands that only read. It creates and migrates
// nothing, every transaction on its connections is read-only
// (default_transaction_read_only), and it refuses a database that lacks a
// migration this program has, saying to run `dripline migrate`.
func OpenReadOnly(ctx context.Context, url string) (*Store, error) {
	pcfg, err := poolConfig(url, 0)
	if err != nil {
		return nil, err
	}
	pcfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	return connect(ctx, pcfg, CheckSchema)
}

// connect opens a pool with pcfg and readies it with prepare.
func connect(ctx context.Context, pcfg *pgxpool.Config, prepare func(context.Context, *pgxpool.Pool) error) (*Store, error) {
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the database: %w", err)
	}
	if err := prepare(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return New(pool), nil
}

// poolConfig reads url, sizing the pool to maxConns (when positive) unless
// url sets pool_max_conns.
func poolConfig(url string, maxConns int32) (*pgxpool.Config, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	if maxConns > 0 && !strings.Contains(url, "pool_max_conns") {
		pcfg.MaxConns = maxConns
	}
	return pcfg, nil
}

// errNotMigrated ends the message of a database that needs migrating.
const errNotMigrated = "run `dripline migrate` first"

// CheckSchema reports whether every embedded migration has been applied to
// the database, with an error saying what to do when one is missing.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := loadMigrations(Migrations())
	if err != nil {
		return err
	}
	db := pool.Config().ConnConfig.Database
	rows, err := pool.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return schemaError(db, err)
	}
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return schemaError(db, err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return schemaError(db, err)
	}
	for _, m := range ms {
		if !applied[m.version] {
			return fmt.Errorf("database %s lacks migration %s: %s", db, m.name, errNotMigrated)
		}
	}
	return nil
}

// schemaError says what failed reading the schema version of database db.
func schemaError(db string, err error) error {
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "3D000": // invalid_catalog_name
		return fmt.Errorf("database %s does not exist: %s", db, errNotMigrated)
	case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table
		return fmt.Errorf("database %s has no schema: %s", db, errNotMigrated)
	}
	return fmt.Errorf("database %s: read the schema version: %w", db, err)
}
