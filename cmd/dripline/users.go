package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
)

// subcommand runs one `dripline GROUP NAME`.
type subcommand func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// runGroup runs the subcommand args[0] names among subs, or lists them.
func runGroup(ctx context.Context, group string, subs map[string]subcommand, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		if sub, ok := subs[args[0]]; ok {
			return sub(ctx, args[1:], stdout, stderr)
		}
		fmt.Fprintf(stderr, "dripline %s: unknown subcommand %q\n", group, args[0])
	}
	names := make([]string, 0, len(subs))
	for name := range subs {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(stderr, "usage: dripline %s %s [flags]\n", group, strings.Join(names, "|"))
	return exitError{2}
}

// runUsers is `dripline users add|token|revoke|list|password`: the reps who
// use the API and the web pages, run by an operator with database access
// (the commands act as the system).
func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runGroup(ctx, "users", map[string]subcommand{
		"add": runUsersAdd, "token": runUsersToken, "revoke": runUsersRevoke, "list": runUsersList,
		"password": func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runUsersPassword(ctx, args, os.Stdin, stdout, stderr)
		},
	}, args, stdout, stderr)
}

// groupFlags starts the flags of `dripline GROUP NAME`, with its usage line.
func groupFlags(group, name, synopsis string, stderr io.Writer) (*flag.FlagSet, *config.Config) {
	fs := flag.NewFlagSet(group+" "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: dripline %s %s %s\n", group, name, synopsis)
		fs.PrintDefaults()
	}
	return fs, config.Bind(fs)
}

// openCRM opens the database for a command that only needs the CRM.
func openCRM(ctx context.Context, cfg *config.Config, stderr io.Writer) (*runtime, error) {
	return openRuntime(ctx, cfg, quietLogger(stderr), false)
}

// runUsersAdd is `dripline users add USERNAME --role sales|admin|manager
// [--name N] [--email E] [--quota POINTS]`.
func runUsersAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := groupFlags("users", "add", "USERNAME --role sales|admin|manager [--name N] [--email E] [--quota POINTS]", stderr)
	role := fs.String("role", "", "sales, admin or manager (required)")
	name := fs.String("name", "", "the rep's full name")
	email := fs.String("email", "", "the rep's email address (the From of its contacts' emails)")
	quota := fs.Int("quota", 500, "activity points a month")
	pos, err := parseInterspersed(fs, args)
	switch {
	case err != nil:
		return err
	case len(pos) != 1:
		return usageError(fs, "name one username")
	case *role == "":
		return usageError(fs, "--role is required")
	}
	rt, err := openCRM(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	rep, err := rt.crm.CreateRep(ctx, crm.System, crm.RepFields{Username: pos[0], Role: *role,
		Name: *name, Email: *email, MonthlyQuota: quota})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s added (%s, id %d)\n", rep.Username, rep.Role, rep.ID)
	return nil
}

// runUsersToken is `dripline users token USERNAME [--label L]`: prints a
// new API token, the only time it is shown.
func runUsersToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := groupFlags("users", "token", "USERNAME [--label L]", stderr)
	label := fs.String("label", "", "what the token is for (a laptop, a script)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fs, "name one username")
	}
	rt, err := openCRM(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	token, t, err := rt.crm.IssueToken(ctx, crm.System, pos[0], *label)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	fmt.Fprintf(stderr, "token %s for %s: keep it now, it is not shown again; send it as Authorization: Bearer TOKEN\n",
		t.Prefix, t.Rep)
	return nil
}

// runUsersRevoke is `dripline users revoke TOKEN_PREFIX|--all USERNAME`.
func runUsersRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := groupFlags("users", "revoke", "TOKEN_PREFIX | --all USERNAME", stderr)
	all := fs.String("all", "", "revoke every token of this user and end its web sessions")
	pos, err := parseInterspersed(fs, args)
	switch {
	case err != nil:
		return err
	case (*all == "") == (len(pos) == 0) || len(pos) > 1:
		return usageError(fs, "name one token prefix, or --all USERNAME")
	}
	rt, err := openCRM(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	if *all != "" {
		n, err := rt.crm.RevokeAll(ctx, crm.System, *all)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d tokens of %s revoked, its sessions ended\n", n, *all)
		return nil
	}
	if err := rt.crm.RevokeToken(ctx, crm.System, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token %s revoked\n", pos[0])
	return nil
}

// runUsersList is `dripline users list`: every user, its role, whether it
// has a password and its tokens by prefix; no secret.
func runUsersList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := groupFlags("users", "list", "", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError(fs, "unexpected argument "+pos[0])
	}
	rt, err := openCRM(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	users, err := rt.crm.Users(ctx, crm.System)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tROLE\tNAME\tEMAIL\tQUOTA\tPASSWORD\tTOKENS")
	for _, u := range users {
		var tokens []string
		for _, t := range u.Tokens {
			if t.RevokedAt == nil {
				tokens = append(tokens, strings.TrimSpace(t.Prefix+" "+t.Label))
			}
		}
		password := "no"
		if u.HasPassword {
			password = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", u.Username, u.Role, u.Name, u.Email, u.MonthlyQuota,
			password, strings.Join(tokens, ", "))
	}
	return tw.Flush()
}

// runUsersPassword is `dripline users password USERNAME`: the new password
// is the first line of stdin. It ends the user's web sessions.
func runUsersPassword(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, cfg := groupFlags("users", "password", "USERNAME  (the new password on stdin)", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(fs, "name one username")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read the password from stdin: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	rt, err := openCRM(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	if err := rt.crm.SetPassword(ctx, crm.System, pos[0], password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s set\n", pos[0])
	return nil
}
