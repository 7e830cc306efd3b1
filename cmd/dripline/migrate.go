package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/postgres"
)

// runMigrate is `dripline migrate`: apply the embedded migrations. It is safe
// to run again and while daemons start.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("migrate", "[flags]", "Create the database when it is missing and apply the migrations it lacks.\nSafe to run again and while daemons start.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	if err := f.parseNone(args); err != nil {
		return err
	}
	store, err := postgres.OpenMigrated(ctx, cfg.DatabaseURL, 0)
	if err != nil {
		return err
	}
	store.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}
