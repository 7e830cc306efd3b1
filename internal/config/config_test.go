package config

import (
	"flag"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// typedEnv are the variables read by lookup.
var typedEnv = []string{"DRIPLINE_TICK", "DRIPLINE_HORIZON", "DRIPLINE_WORKERS", "DRIPLINE_SMTP_RATE", "DRIPLINE_SMTP_CONNS",
	"DRIPLINE_CONCURRENCY", "DRIPLINE_LEASE", "DRIPLINE_RECONCILE", "DRIPLINE_MAX_LATE", "DRIPLINE_DAEMONS", "DRIPLINE_FORM_RATE"}

func TestBindEnvironment(t *testing.T) {
	tests := []struct {
		env     map[string]string
		args    []string
		want    string // Tick Horizon Workers SMTPRate SMTPConns
		wantErr string
	}{
		{want: "5s 5m0s 20 0 8"},
		{env: map[string]string{"DRIPLINE_TICK": "2s", "DRIPLINE_CONCURRENCY": "email=4,call=1", "DRIPLINE_SMTP_RATE": "2.5"}, want: "2s 5m0s 11 2.5 8"},
		{env: map[string]string{"DRIPLINE_CONCURRENCY": "email=4"}, args: []string{"--concurrency", "email=9"}, want: "5s 5m0s 19 0 8"},
		{env: map[string]string{"DRIPLINE_TICK": "5"}, wantErr: `bad environment: DRIPLINE_TICK="5": want a duration like 5s`},
		{env: map[string]string{"DRIPLINE_SMTP_CONNS": "many"}, wantErr: `bad environment: DRIPLINE_SMTP_CONNS="many": want a whole number`},
		{env: map[string]string{"DRIPLINE_SMTP_RATE": "fast"}, wantErr: `bad environment: DRIPLINE_SMTP_RATE="fast": want a number`},
		{args: []string{"--smtp-conns", "0"}, wantErr: "--tick, --horizon and --smtp-conns must be positive, --smtp-rate not negative"},
		{env: map[string]string{"DRIPLINE_WORKERS": "4"}, wantErr: "bad environment: DRIPLINE_WORKERS is replaced by DRIPLINE_CONCURRENCY, workers per channel like email=10,letter=2,call=4,task=4"},
		{env: map[string]string{"DRIPLINE_CONCURRENCY": "fax=2"}, wantErr: `bad environment: DRIPLINE_CONCURRENCY="fax=2": want channel=N pairs like email=10,letter=2,call=4,task=4`},
		{env: map[string]string{"DRIPLINE_LEASE": "1s"}, wantErr: "--lease must be at least 3s; --reconcile, --max-late and --daemons must be positive"},
		{args: []string{"--form-rate", "-1"}, wantErr: "--form-rate must not be negative"},
		{env: map[string]string{"DRIPLINE_FORM_RATE": "lots"}, wantErr: `bad environment: DRIPLINE_FORM_RATE="lots": want a whole number`},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			for _, k := range typedEnv {
				t.Setenv(k, "") // restored when the subtest ends
				os.Unsetenv(k)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c := Bind(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatalf("parse %q: %v", tt.args, err)
			}
			err := c.Check()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("Check() = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check() = %v", err)
			}
			if got := fmt.Sprint(c.Tick, c.Horizon, c.Workers(), c.SMTPRate, c.SMTPConns); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestBindGroups(t *testing.T) {
	t.Setenv("DRIPLINE_TICK", "5") // malformed, but touches no flag of the groups bound
	t.Setenv("DRIPLINE_TEMPLATES", "/srv/templates")
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c := Bind(fs, Database, Library)
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if got := fmt.Sprint(names); got != "[database-url templates tracks]" {
		t.Errorf("flags %s, want [database-url templates tracks]", got)
	}
	if err := c.Check(); err != nil {
		t.Errorf("Check() = %v, want nil: DRIPLINE_TICK is not a setting of these groups", err)
	}
	if c.TemplatesDir != "/srv/templates" || c.Tick != 5*time.Second || c.Workers() != 20 || string(c.SecretKeys()[0]) != DevSecret {
		t.Errorf("config %+v: want the environment for bound settings, defaults for the rest", c)
	}
	if err := Bind(flag.NewFlagSet("all", flag.ContinueOnError)).Check(); err == nil {
		t.Error("Bind with every group: Check() = nil, want the malformed DRIPLINE_TICK reported")
	}
}
