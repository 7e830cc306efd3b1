package main

import (
	"flag"
	"slices"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/config"
)

// helpFlags reads the flag names a command's help lists.
func helpFlags(help string) []string {
	var names []string
	for line := range strings.Lines(help) {
		if name, ok := strings.CutPrefix(line, "  -"); ok {
			names = append(names, strings.Fields(name)[0])
		}
	}
	return names
}

// leaves lists every runnable command of cmds as its words.
func leaves(prefix []string, cmds []command) [][]string {
	var out [][]string
	for _, c := range cmds {
		words := append(slices.Clone(prefix), c.name)
		if c.subs != nil {
			out = append(out, leaves(words, c.subs)...)
		} else {
			out = append(out, words)
		}
	}
	return out
}

func TestEveryCommandHelpListsItsOwnFlags(t *testing.T) {
	every := flag.NewFlagSet("every", flag.ContinueOnError)
	config.Bind(every)
	var settings []string
	every.VisitAll(func(f *flag.Flag) { settings = append(settings, f.Name) })
	db, library := []string{"database-url"}, []string{"templates", "tracks"}
	business := []string{"business-address", "business-name", "business-phone"}
	lettersFlags := []string{"label-offset", "paper"}
	emailFlags := []string{"bounce-address", "mail-domain", "public-url", "secret", "sender"}
	own := map[string][]string{
		"campaigns add":      slices.Concat(db, library, []string{"cost", "subtype", "type"}),
		"campaigns list":     db,
		"contacts import":    slices.Concat(db, library, []string{"quiet"}),
		"events import":      slices.Concat(db, library, []string{"quiet"}),
		"enrollments move":   slices.Concat(db, library),
		"letters list":       slices.Concat(db, library, business, lettersFlags, []string{"format"}),
		"letters print":      slices.Concat(db, library, business, lettersFlags, []string{"all", "before", "out", "quiet"}),
		"letters batches":    slices.Concat(db, library, business, lettersFlags, []string{"format"}),
		"letters reprint":    slices.Concat(db, library, business, lettersFlags, []string{"out"}),
		"letters purge":      slices.Concat(db, library, business, lettersFlags, []string{"reason"}),
		"letters email":      slices.Concat(db, library, business, lettersFlags, emailFlags),
		"letters unmailable": slices.Concat(db, library, business, lettersFlags, []string{"format"}),
		"migrate":            db,
		"reports":            slices.Concat(db, library, []string{"format", "from", "stage-probabilities", "tz", "until"}),
		"serve":              settings,
		"demo":               settings,
		"simulate":           slices.Concat(business, library, []string{"contacts", "events", "format", "from", "quiet", "until"}),
		"templates list":     {"templates"},
		"templates preview":  slices.Concat(business, db, []string{"bounce-address", "contact", "format", "kind", "mail-domain", "public-url", "sample", "secret", "sender", "templates"}),
		"touches":            {"contact", "database-url", "format"},
		"tracks list":        {"tracks"},
		"tracks plan":        {"format", "start", "tracks", "tz"},
		"tracks validate":    library,
		"users add":          slices.Concat(db, []string{"email", "name", "quota", "role"}),
		"users list":         db,
		"users set":          slices.Concat(db, []string{"email", "name", "quota", "role"}),
		"users disable":      db,
		"users enable":       db,
		"users password":     db,
		"users revoke":       slices.Concat(db, []string{"all"}),
		"users token":        slices.Concat(db, []string{"label"}),
		"suppressions list":  slices.Concat(db, []string{"format", "reason"}),
		"suppressions show":  db,
		"suppressions lift":  slices.Concat(db, []string{"by", "reason"}),
	}
	for _, words := range leaves(nil, commands()) {
		name := strings.Join(words, " ")
		want, ok := own[name]
		if !ok {
			t.Errorf("dripline %s: add its flags to this test", name)
			continue
		}
		slices.Sort(want)
		for _, help := range []string{"--help", "-h"} {
			code, out, errs := runDripline(t, append(slices.Clone(words), help)...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: dripline "+name+" ") {
				t.Errorf("dripline %s %s: exit %d, stderr %q, stdout %q; want exit 0 and the usage on stdout", name, help, code, errs, out)
			}
			if got := helpFlags(out); !slices.Equal(got, want) {
				t.Errorf("dripline %s %s lists flags %q, want %q", name, help, got, want)
			}
		}
	}
}

func TestHelpListsCommands(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"}, {"tracks", "--help"}, {"tracks", "help"}, {"templates", "-h"}, {"contacts", "--help"},
	} {
		code, out, errs := runDripline(t, args...)
		usage := strings.Join(slices.Concat([]string{"usage: dripline"}, args[:len(args)-1], []string{"COMMAND"}), " ")
		if code != 0 || errs != "" || !strings.HasPrefix(out, usage) {
			t.Errorf("dripline %s: exit %d, stderr %q, stdout %q; want exit 0 and the commands on stdout", strings.Join(args, " "), code, errs, out)
		}
	}
	_, out, _ := runDripline(t, "help")
	for _, c := range commands() {
		if !strings.Contains(out, "\n  "+c.name+" ") {
			t.Errorf("dripline help does not list %s:\n%s", c.name, out)
		}
	}
	if code, out, errs := runDripline(t, "help", "tracks", "plan"); code != 0 || errs != "" || !strings.HasPrefix(out, "usage: dripline tracks plan ") {
		t.Errorf("dripline help tracks plan: exit %d, stderr %q, stdout %q", code, errs, out)
	}
}

func TestMistakesGoToStderr(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{nil, "usage: dripline COMMAND"},
		{[]string{"frob"}, `dripline: unknown command "frob"`},
		{[]string{"tracks", "frob"}, `dripline tracks: unknown command "frob"`},
		{[]string{"touches", "--frob"}, "flag provided but not defined: -frob"},
		{[]string{"touches", "--contact", "c-1", "--redis-url", "redis://x"}, "flag provided but not defined: -redis-url"},
		{[]string{"templates", "list", "--database-url", "x"}, "flag provided but not defined: -database-url"},
		{[]string{"migrate", "now"}, "dripline migrate: unexpected argument now"},
		{[]string{"demo", "now"}, "dripline demo: unexpected argument now"},
	}
	for _, tt := range tests {
		code, out, errs := runDripline(t, tt.args...)
		if code != 2 || out != "" || !strings.Contains(errs, tt.msg) || !strings.Contains(errs, "usage: dripline") {
			t.Errorf("dripline %s: exit %d, stdout %q, stderr %q; want exit 2, %q and the usage on stderr", strings.Join(tt.args, " "), code, out, errs, tt.msg)
		}
	}
}
