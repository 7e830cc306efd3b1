package main

import (
	"fmt"
	"io"
	"sort"
)

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: dripline COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, cmds[name].summary)
	}
}
