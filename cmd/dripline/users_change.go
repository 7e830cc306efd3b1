package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
)

// runUsersSet is `dripline users set USERNAME [--role R] [--name N]
// [--email E] [--quota Q]`: only the flags given change.
func runUsersSet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("users set", "USERNAME [--role sales|admin|manager] [--name N] [--email E] [--quota POINTS]",
		"Change a user's role, name, email or monthly quota; what is not given stays.\nA new role holds from the user's next request.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	role := f.String("role", "", "sales, admin or manager")
	name := f.String("name", "", "the rep's full name")
	email := f.String("email", "", "the rep's email address")
	quota := f.Int("quota", 0, "activity points a month")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	var c crm.RepChanges
	f.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "role":
			c.Role = role
		case "name":
			c.Name = name
		case "email":
			c.Email = email
		case "quota":
			c.MonthlyQuota = quota
		}
	})
	switch {
	case len(pos) != 1:
		return f.fail("name one username")
	case c == crm.RepChanges{}:
		return f.fail("say what changes: --role, --name, --email or --quota")
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	r, err := rt.crm.UpdateRep(ctx, crm.System, pos[0], c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s: %s, %q, %q, quota %d\n", r.Username, r.Role, r.Name, r.Email, r.MonthlyQuota)
	return nil
}

// runUsersDisable is `dripline users disable USERNAME`.
func runUsersDisable(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return switchUser(ctx, args, true, stdout, stderr)
}

// runUsersEnable is `dripline users enable USERNAME`.
func runUsersEnable(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return switchUser(ctx, args, false, stdout, stderr)
}

// switchUser disables or enables a user.
func switchUser(ctx context.Context, args []string, disable bool, stdout, stderr io.Writer) error {
	f := newFlags("users enable", "USERNAME", "Let a disabled user sign in and be given tokens again.", stdout, stderr)
	if disable {
		f = newFlags("users disable", "USERNAME",
			"Disable a user: its API tokens and web sessions stop working at once, and\nowner assignment skips it. It still owns its contacts.", stdout, stderr)
	}
	cfg := config.Bind(f.FlagSet, config.Database)
	username, err := f.parseUsername(args)
	if err != nil {
		return err
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	r, n, err := rt.crm.DisableRep(ctx, crm.System, username, disable)
	if err != nil {
		return err
	}
	if disable {
		fmt.Fprintf(stdout, "user %s disabled: %d tokens revoked, its sessions ended\n", r.Username, n)
	} else {
		fmt.Fprintf(stdout, "user %s enabled: give it a token (users token) or a password\n", r.Username)
	}
	return nil
}
