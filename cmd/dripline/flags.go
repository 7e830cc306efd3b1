package main

import (
	"flag"
	"fmt"
)

// parseInterspersed parses flags given before, between or after the
// positional arguments, and returns those arguments in order; everything
// after "--" is positional. A bad flag has been reported on fs's output
// already, so its error is exitError{2}.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
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

// usageError prints a usage problem with the command's flags.
func usageError(fs *flag.FlagSet, msg string) error {
	fmt.Fprintf(fs.Output(), "dripline %s: %s\n", fs.Name(), msg)
	fs.Usage()
	return exitError{2}
}
