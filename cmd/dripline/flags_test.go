package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// testFlags is a flag set with one string flag, -n, and one bool flag, -v.
func testFlags() (*flag.FlagSet, *string, *bool) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs, fs.String("n", "", ""), fs.Bool("v", false, "")
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		pos     []string
		n       string
		v       bool
		wantErr bool
	}{
		{args: nil, pos: nil},
		{args: []string{"a", "b"}, pos: []string{"a", "b"}},
		{args: []string{"-n", "x", "a"}, pos: []string{"a"}, n: "x"},
		{args: []string{"a", "-n", "x", "b", "-v"}, pos: []string{"a", "b"}, n: "x", v: true},
		{args: []string{"a", "--n=x"}, pos: []string{"a"}, n: "x"},
		{args: []string{"-v", "--", "-n", "x"}, pos: []string{"-n", "x"}, v: true},
		{args: []string{"a", "--", "b", "-v"}, pos: []string{"a", "b", "-v"}},
		{args: []string{"a", "--", "--"}, pos: []string{"a", "--"}},
		{args: []string{"a", "-"}, pos: []string{"a", "-"}},
		{args: []string{"a", "-x"}, wantErr: true},
		{args: []string{"a", "-n"}, wantErr: true},
	}
	for _, tt := range tests {
		fs, n, v := testFlags()
		pos, err := parseInterspersed(fs, tt.args)
		if tt.wantErr {
			if err != (exitError{2}) {
				t.Errorf("%q: err %v, want exit status 2", tt.args, err)
			}
			continue
		}
		if err != nil || !slices.Equal(pos, tt.pos) || *n != tt.n || *v != tt.v {
			t.Errorf("%q: pos %q n %q v %v err %v, want pos %q n %q v %v",
				tt.args, pos, *n, *v, err, tt.pos, tt.n, tt.v)
		}
	}
}

func FuzzParseInterspersed(f *testing.F) {
	f.Add("a -n x b -v")
	f.Add("-v -- -n x")
	f.Add("a -- b -- -v")
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		fs, _, _ := testFlags()
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return
		}
		// The positional arguments are a subsequence of args.
		i := 0
		for _, a := range args {
			if i < len(pos) && pos[i] == a {
				i++
			}
		}
		if i != len(pos) {
			t.Fatalf("%q: positional %q are not taken from the arguments in order", args, pos)
		}
	})
}
