package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
)

// The `dripline users` commands manage the reps who use the API and the
// web pages. They are run by an operator with database access and act as
// the system.

// runUsersAdd is `dripline users add USERNAME --role sales|admin|manager
// [--name N] [--email E] [--quota POINTS]`.
func runUsersAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("users add", "USERNAME --role sales|admin|manager [--name N] [--email E] [--quota POINTS]",
		"Add a user (a rep) with its role: sales works its own contacts, admin runs\nusers, tracks, templates and letters, manager sees everything.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	role := f.String("role", "", "sales, admin or manager (required)")
	name := f.String("name", "", "the rep's full name")
	email := f.String("email", "", "the rep's email address")
	quota := f.Int("quota", 500, "activity points a month")
	pos, err := f.parse(args)
	switch {
	case err != nil:
		return err
	case len(pos) != 1:
		return f.fail("name one username")
	case *role == "":
		return f.fail("--role is required")
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
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
	f := newFlags("users token", "USERNAME [--label L]",
		"Print a new API token for a user, once: only its hash is kept. Send it\nas Authorization: Bearer TOKEN.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	label := f.String("label", "", "what the token is for (a laptop, a script)")
	username, err := f.parseUsername(args)
	if err != nil {
		return err
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	token, t, err := rt.crm.IssueToken(ctx, crm.System, username, *label)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	fmt.Fprintf(stderr, "token %s for %s: keep it now, it is not shown again\n", t.Prefix, t.Rep)
	return nil
}

// runUsersRevoke is `dripline users revoke TOKEN_PREFIX|--all USERNAME`.
func runUsersRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("users revoke", "TOKEN_PREFIX | --all USERNAME",
		"Revoke an API token by its prefix (as users list shows it), or every token\nof a user, which also ends its web sessions.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	all := f.String("all", "", "revoke every token of this user and end its web sessions")
	pos, err := f.parse(args)
	switch {
	case err != nil:
		return err
	case (*all == "") == (len(pos) == 0) || len(pos) > 1:
		return f.fail("name one token prefix, or --all USERNAME")
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
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
// has a password and its tokens in use by prefix; no secret. It only reads.
func runUsersList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("users list", "", "List the users, their roles and their API tokens in use, by prefix. Reads only.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	if err := f.parseNone(args); err != nil {
		return err
	}
	rt, err := openCRM(ctx, cfg, readOnly, stderr)
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
		role := u.Role
		if u.Disabled {
			role += " (disabled)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", u.Username, role, u.Name, u.Email, u.MonthlyQuota,
			password, strings.Join(tokens, ", "))
	}
	return tw.Flush()
}

// runUsersPassword is `dripline users password USERNAME`, reading the new
// password from stdin.
func runUsersPassword(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return setPassword(ctx, args, os.Stdin, stdout, stderr)
}

// setPassword sets a user's password to the first line of stdin, which
// ends its web sessions.
func setPassword(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f := newFlags("users password", "USERNAME < FILE",
		"Set a user's password for the web pages (10 to 72 bytes), read from the\nfirst line of stdin. The user's web sessions end.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	username, err := f.parseUsername(args)
	if err != nil {
		return err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read the password from stdin: %w", err)
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	if err := rt.crm.SetPassword(ctx, crm.System, username, strings.TrimRight(line, "\r\n")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s set\n", username)
	return nil
}
