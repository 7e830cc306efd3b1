package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dripline/dripline/internal/config"
)

// runEnrollmentsMove is `dripline enrollments move TRACK`: move a track's
// running enrollments from older versions to the current one. Loading a
// changed track only says how many stay behind; moving them is this explicit
// command.
func runEnrollmentsMove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("enrollments move", "[flags] TRACK",
		"Move a track's running enrollments from older versions of the track to its\ncurrent one.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database, config.Library)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return f.fail("name one track")
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
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
