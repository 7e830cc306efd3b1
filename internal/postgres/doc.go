// Package postgres is the PostgreSQL adapter of the engine: it keeps contacts,
// tracks, enrollments, the touch outbox, activities and letters, and applies
// the schema migrations embedded in the binary.
package postgres

import _ "github.com/jackc/pgx/v5/pgxpool"
