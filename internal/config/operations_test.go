package config

import (
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/dripline/dripline/tracks"
)

func TestParseConcurrency(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{in: "email=10,letter=2,call=4,task=4", want: "map[call:4 email:10 letter:2 task:4]"},
		{in: " email = 3 ", want: "map[call:4 email:3 letter:2 task:4]"},
		{in: "task=1", want: "map[call:4 email:10 letter:2 task:1]"},
		{in: "email", wantErr: `concurrency item 1 "email": want channel=N`},
		{in: "email=2,fax=1", wantErr: `concurrency item 2: unknown channel "fax": want one of call, email, letter, task`},
		{in: "email=2,email=3", wantErr: "concurrency item 2: channel email given twice"},
		{in: "call=0", wantErr: `concurrency item 1: call="0": want a whole number from 1 to 10000`},
		{in: "call=x", wantErr: `concurrency item 1: call="x": want a whole number from 1 to 10000`},
		{in: "", wantErr: `concurrency item 1 "": want channel=N`},
	}
	for _, tt := range tests {
		got, err := ParseConcurrency(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseConcurrency(%q) = %v, %v; want error %s", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != tt.want {
			t.Errorf("ParseConcurrency(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestOperationsDefaults(t *testing.T) {
	for _, k := range typedEnv {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("DRIPLINE_LEASE", "90s")
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c := Bind(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	if c.Lease != 90*time.Second || c.Reconcile != time.Minute || c.MaxLate != 72*time.Hour || c.Daemons != 1 || c.MetricsAddr != "" {
		t.Errorf("operations %+v", c.Operations)
	}
	if c.Concurrency[tracks.ChannelEmail] != 10 || c.Workers() != 20 {
		t.Errorf("concurrency %v, %d workers", c.Concurrency, c.Workers())
	}
}

// FuzzParseConcurrency: any input is read or refused, never a panic, and
// what is read gives every channel a positive number.
func FuzzParseConcurrency(f *testing.F) {
	for _, s := range []string{DefaultConcurrency, "email=1", "x=", "=,=", "email=99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseConcurrency(s)
		if err != nil {
			return
		}
		for _, spec := range tracks.Channels() {
			if got[spec.Name] <= 0 {
				t.Fatalf("ParseConcurrency(%q) gives %s %d", s, spec.Name, got[spec.Name])
			}
		}
	})
}
