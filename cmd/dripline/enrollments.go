package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/dripline/dripline/internal/config"
)

// runEnrollments is `dripline enrollments move TRACK`: move a track's running
// enrollments from older versions to the current one. Loading a changed track
// only says how many stay behind; moving them is this explicit command.
func runEnrollments(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enrollments move", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dripline enrollments move [flags] TRACK")
		fs.PrintDefaults()
	}
	cfg := config.Bind(fs)
	if len(args) == 0 || args[0] != "move" {
		return usageError(fs, "the only subcommand is move")
	}
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fs, "name one track")
	}
	rt, err := openRuntime(ctx, cfg, quietLogger(stderr), false)
	if err != nil {
		return err
	}
	defer rt.Close()
	res, err := rt.engine.MoveToCurrent(ctx, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d enrollments moved to version %d, %d stay on older versions\n",
		res.Track, res.Moved, res.Version, res.Stayed)
	return nil
}
