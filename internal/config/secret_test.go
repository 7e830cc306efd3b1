package config

import (
	"bytes"
	"flag"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// secretEnv are the variables holding secrets or URLs with passwords.
var secretEnv = []string{"DRIPLINE_SECRET", "DRIPLINE_WEBHOOK_TOKEN", "DATABASE_URL", "REDIS_URL", "SMTP_URL"}

// bind binds a fresh flag set after setting env (every secretEnv variable
// not in env is unset) and parses args.
func bind(t *testing.T, env map[string]string, args ...string) (*Config, *flag.FlagSet) {
	t.Helper()
	for _, k := range secretEnv {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return c, fs
}

func TestCheckServeSecret(t *testing.T) {
	tests := []struct {
		name    string
		secret  string // DRIPLINE_SECRET, unset when ""
		args    []string
		keys    string // the keys, joined by |
		wantErr string
	}{
		{name: "no secret", keys: DevSecret, wantErr: "DRIPLINE_SECRET is not set"},
		{name: "no secret, --dev", args: []string{"--dev"}, keys: DevSecret},
		{name: "the public key given explicitly", secret: DevSecret, keys: DevSecret, wantErr: "DRIPLINE_SECRET is not set"},
		{name: "one key", secret: "k1-0123456789", keys: "k1-0123456789"},
		{name: "rotation", secret: "new-0123456789, old-0123456789", keys: "new-0123456789|old-0123456789"},
		{name: "flag wins", secret: "env-0123456789", args: []string{"--secret", "flag-0123456789"}, keys: "flag-0123456789"},
		{name: "an empty key in the middle", secret: "a-0123456789,,b-0123456789", keys: "a-0123456789||b-0123456789", wantErr: "DRIPLINE_SECRET: key 2 of 3 is empty"},
		{name: "a trailing comma", secret: "a-0123456789,", keys: "a-0123456789|", wantErr: "DRIPLINE_SECRET: key 2 of 2 is empty"},
		{name: "only spaces and commas", secret: " , ", keys: "|", wantErr: "DRIPLINE_SECRET: key 1 of 2 is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.secret != "" {
				env["DRIPLINE_SECRET"] = tt.secret
			}
			c, _ := bind(t, env, tt.args...)
			var keys []string
			for _, k := range c.SecretKeys() {
				keys = append(keys, string(k))
			}
			if got := strings.Join(keys, "|"); got != tt.keys {
				t.Errorf("SecretKeys = %q, want %q", got, tt.keys)
			}
			err := c.CheckServe()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("CheckServe() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestHelpHidesSecrets(t *testing.T) {
	env := map[string]string{
		"DRIPLINE_SECRET":        "s3cret-key-1,s3cret-key-2",
		"DRIPLINE_WEBHOOK_TOKEN": "wh-t0ken",
		"DATABASE_URL":           "postgres://app:db-pa55@db.internal:5432/dripline?sslmode=require&sslpassword=ssl-pa55",
		"REDIS_URL":              "redis://:redis-pa55@cache.internal:6379/0",
		"SMTP_URL":               "smtp://mailer:smtp-pa55@smtp.internal:587?tls=starttls",
	}
	c, fs := bind(t, env)
	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	for _, leak := range []string{"s3cret", "wh-t0ken", "db-pa55", "ssl-pa55", "redis-pa55", "smtp-pa55"} {
		if strings.Contains(help.String(), leak) {
			t.Errorf("--help shows %q:\n%s", leak, help.String())
		}
	}
	for _, shown := range []string{"app:xxxxx@db.internal", "cache.internal", "mailer:xxxxx@smtp.internal"} {
		if !strings.Contains(help.String(), shown) {
			t.Errorf("--help lost the non-secret part %q:\n%s", shown, help.String())
		}
	}
	if c.DatabaseURL != env["DATABASE_URL"] || c.Secret != env["DRIPLINE_SECRET"] || c.WebhookToken != "wh-t0ken" {
		t.Errorf("redacting the help changed the values: %q %q %q", c.DatabaseURL, c.Secret, c.WebhookToken)
	}
}

func TestRedactURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://postgres@127.0.0.1:5432/dripline?sslmode=disable", "postgres://postgres@127.0.0.1:5432/dripline?sslmode=disable"},
		{"postgres://u:p%40ss@h/db", "postgres://u:xxxxx@h/db"},
		{"redis://:pw@h:6379/1", "redis://:xxxxx@h:6379/1"},
		{"host=db user=app password=hunter2 dbname=x", "host=db user=app password=xxxxx dbname=x"},
		{"host=db password='hun ter2' dbname=x", "host=db password=xxxxx dbname=x"},
		{"postgres://h/db?user=u&password=hunter2", "postgres://h/db?user=u&password=xxxxx"},
		{"", ""},
	} {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzRedactURL: the password of a URL never survives RedactURL.
func FuzzRedactURL(f *testing.F) {
	f.Add("redis", "app", "hunter2-secret", "db.internal:5432/dripline?sslmode=disable")
	f.Add("postgres", "", "p@ss:w/rd", "cache:6379/0")
	f.Add("smtp", "mailer", "日本語パスワード", "smtp.example.com:587?tls=starttls")
	f.Fuzz(func(t *testing.T, scheme, user, pass, rest string) {
		if len(pass) < 8 || strings.Contains(scheme+user+rest, pass) || !regexp.MustCompile(`^[a-z]+$`).MatchString(scheme) {
			return // a short password may appear by chance in the rest
		}
		u := &url.URL{Scheme: scheme, User: url.UserPassword(user, pass), Host: "h"}
		in := u.String() + "/" + rest
		if out := RedactURL(in); strings.Contains(out, pass) || strings.Contains(out, url.QueryEscape(pass)) || strings.Contains(out, u.User.String()) {
			t.Fatalf("RedactURL(%q) = %q keeps the password", in, out)
		}
	})
}
