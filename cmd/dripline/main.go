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
	"strings"
	"syscall"
	_ "time/tzdata" // time zones work on hosts without a zoneinfo database

	"github.com/dripline/dripline/internal/crm"
)

// exitError carries the process exit code of a command that failed after it
// already told the user why (or, with code 0, printed the help asked for).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// command is one `dripline NAME`: either a command that runs, or a group of
// subcommands (`dripline tracks plan`). Adding one is adding a row below.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	subs    []command
}

func commands() []command {
	return []command{
		{name: "campaigns", summary: "add and list marketing campaigns", subs: []command{
			{name: "add", summary: "add a campaign with its type, sub-type and cost", run: runCampaignsAdd},
			{name: "list", summary: "list the campaigns", run: runCampaignsList},
		}},
		{name: "contacts", summary: "import contacts from CSV", subs: []command{
			{name: "import", summary: "import a contacts CSV into the database", run: runContactsImport},
		}},
		{name: "demo", summary: "simulate and serve a sample of reps, contacts and events", run: runDemo},
		{name: "enrollments", summary: "manage running enrollments", subs: []command{
			{name: "move", summary: "move a track's running enrollments to its current version", run: runEnrollmentsMove},
		}},
		{name: "events", summary: "import CRM events from CSV", subs: []command{
			{name: "import", summary: "import an events CSV into the database", run: runEventsImport},
		}},
		{name: "letters", summary: "the pile of printed letters: list, print, reprint, purge, email instead", subs: lettersCommands()},
		{name: "migrate", summary: "apply database migrations", run: runMigrate},
		{name: "reports", summary: "print a report: " + strings.Join(crm.ReportNames(), ", "), run: runReports},
		{name: "serve", summary: "run the scheduler, the workers and the HTTP API", run: runServe},
		{name: "simulate", summary: "run tracks over contacts and events on a virtual clock, sending nothing", run: runSimulate},
		{name: "templates", summary: "list and preview email and letter templates", subs: []command{
			{name: "list", summary: "list every template", run: runTemplatesList},
			{name: "preview", summary: "render a template as it would be sent", run: runTemplatesPreview},
		}},
		{name: "suppressions", summary: "the addresses no email goes to", subs: []command{
			{name: "lift", summary: "let email go to an address again, with the reason", run: runSuppressionsLift},
			{name: "list", summary: "list the addresses suppressed now", run: runSuppressionsList},
			{name: "show", summary: "show an address's suppressions and lifts", run: runSuppressionsShow},
		}},
		{name: "touches", summary: "print a contact's touches", run: runTouches},
		{name: "tracks", summary: "validate, plan and list tracks", subs: []command{
			{name: "list", summary: "list the tracks of the library", run: runTracksList},
			{name: "plan", summary: "print when each touch of a track falls due", run: runTracksPlan},
			{name: "validate", summary: "check track files and folders", run: runTracksValidate},
		}},
		{name: "users", summary: "users (reps), their API tokens and passwords", subs: []command{
			{name: "add", summary: "add a user with a role", run: runUsersAdd},
			{name: "disable", summary: "disable a user: its tokens and sessions stop working", run: runUsersDisable},
			{name: "enable", summary: "let a disabled user sign in again", run: runUsersEnable},
			{name: "list", summary: "list users, roles and token prefixes (no secrets)", run: runUsersList},
			{name: "password", summary: "set a user's password, read from stdin", run: runUsersPassword},
			{name: "revoke", summary: "revoke an API token, or every token of a user", run: runUsersRevoke},
			{name: "set", summary: "change a user's role, name, email or quota", run: runUsersSet},
			{name: "token", summary: "print a new API token for a user, once", run: runUsersToken},
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, "dripline", commands(), args, stdout, stderr)
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

// dispatch runs the command args names among cmds, the subcommands of
// parent ("dripline", "dripline tracks"). `help` and --help list the commands on
// stdout; `help NAME…` is `NAME… --help`. No command or an unknown one lists
// them on stderr with exit status 2.
func dispatch(ctx context.Context, parent string, cmds []command, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		listCommands(stderr, parent, cmds)
		return exitError{2}
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if args[0] == "help" && len(args) > 1 {
			return dispatch(ctx, parent, cmds, append(args[1:], "--help"), stdout, stderr)
		}
		listCommands(stdout, parent, cmds)
		return nil
	}
	for _, c := range cmds {
		switch {
		case c.name != args[0]:
		case c.subs != nil:
			return dispatch(ctx, parent+" "+c.name, c.subs, args[1:], stdout, stderr)
		default:
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n", parent, args[0])
	listCommands(stderr, parent, cmds)
	return exitError{2}
}

// listCommands writes the usage of a group: its commands and their summaries.
func listCommands(w io.Writer, parent string, cmds []command) {
	fmt.Fprintf(w, "usage: %s COMMAND [flags]\n\ncommands:\n", parent)
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "\n`%s COMMAND --help` shows a command's flags.\n", parent)
}
