package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// flags is one command's flag set and its help. --help and -h print the
// help to stdout and end the command with exit status 0; a mistake prints
// the problem and the help to stderr and ends it with exit status 2.
type flags struct {
	*flag.FlagSet
	synopsis string // what follows "usage: dripline NAME"
	about    string // what the command does, for --help
	stdout   io.Writer
}

// newFlags starts the flags of the command name ("tracks plan"); synopsis
// and about make its help.
func newFlags(name, synopsis, about string, stdout, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // parse prints the help, on stdout or stderr
	return &flags{FlagSet: fs, synopsis: synopsis, about: about, stdout: stdout}
}

// help writes the command's synopsis, what it does and its flags.
func (f *flags) help(w io.Writer) {
	fmt.Fprintf(w, "usage: dripline %s %s\n", f.Name(), f.synopsis)
	if f.about != "" {
		fmt.Fprintf(w, "\n%s\n", f.about)
	}
	hasFlags := false
	f.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nflags:")
		out := f.Output()
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(out)
	}
}

// parse parses args, flags anywhere among the positional arguments, and
// returns the positional ones.
func (f *flags) parse(args []string) ([]string, error) {
	pos, err := parseInterspersed(f.FlagSet, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.help(f.stdout)
		return nil, exitError{0}
	case err != nil:
		f.help(f.Output())
		return nil, err
	}
	return pos, nil
}

// parseNone parses args for a command that takes no positional argument.
func (f *flags) parseNone(args []string) error {
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return f.fail("unexpected argument " + pos[0])
	}
	return nil
}

// parseUsername parses args for a command that takes one username.
func (f *flags) parseUsername(args []string) (string, error) {
	pos, err := f.parse(args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", f.fail("name one username")
	}
	return pos[0], nil
}

// fail reports a usage problem with msg and the help, exit status 2.
func (f *flags) fail(msg string) error {
	fmt.Fprintf(f.Output(), "dripline %s: %s\n", f.Name(), msg)
	f.help(f.Output())
	return exitError{2}
}

// parseInterspersed parses flags given before, between or after the
// positional arguments, and returns those arguments in order; everything
// after "--" is positional. A bad flag has been reported on fs's output
// already, so its error is exitError{2}; --help and -h return flag.ErrHelp.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, err
		} else if err != nil {
			return nil, exitError{2}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}
