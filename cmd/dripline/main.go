// Command dripline runs a CRM's marketing tracks: it validates and plans tracks,
// imports contacts and events, simulates a year of tracks on a virtual clock, and
// serves the scheduler, the workers and the HTTP API.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones work on hosts without a zoneinfo database
)

// exitError carries the process exit code of a command that failed after it
// already told the user why.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// command is one `dripline NAME` subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"tracks":      {"validate, plan and list tracks", runTracks},
		"simulate":    {"run tracks over contacts and events on a virtual clock, sending nothing", runSimulate},
		"serve":       {"run the scheduler, the workers and the HTTP API", runServe},
		"migrate":     {"apply database migrations", runMigrate},
		"demo":        {"simulate and serve a sample of reps, contacts and events", runDemo},
		"contacts":    {"import contacts from CSV: contacts import FILE", runContacts},
		"events":      {"import CRM events from CSV: events import FILE", runEvents},
		"templates":   {"preview and list email and letter templates: templates preview NAME --sample", runTemplates},
		"touches":     {"print a contact's touches: touches --contact ID", runTouches},
		"enrollments": {"move a track's running enrollments to its current version: enrollments move TRACK", runEnrollments},
		"letters":     {"the pile of printed letters: letters list|print|batches|reprint|purge|email", runLetters},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, cmds)
		return 2
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "dripline: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := cmd.run(ctx, args[1:], stdout, stderr)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stderr, "dripline %s: %v\n", args[0], err)
		return 1
	}
}
