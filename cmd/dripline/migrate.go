package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/dripline/dripline/internal/config"
)

// runMigrate is `dripline migrate`: apply the embedded migrations. It is safe
// to run again and while daemons start.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Bind(fs)
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	store.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}
