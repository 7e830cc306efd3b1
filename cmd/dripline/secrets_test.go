package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestServeRefusesWithoutSecret: serve stops before touching any service
// when DRIPLINE_SECRET is missing, and says why.
func TestServeRefusesWithoutSecret(t *testing.T) {
	for _, tt := range []struct{ secret, want string }{
		{"", "DRIPLINE_SECRET is not set"},
		{"dripline-development-secret", "DRIPLINE_SECRET is not set"},
		{"good-key-0123456789,,old-key-0123456789", "DRIPLINE_SECRET: key 2 of 3 is empty"},
	} {
		t.Setenv("DRIPLINE_SECRET", tt.secret)
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), []string{"serve", "--database-url", "postgres://nobody@127.0.0.1:1/none"}, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("DRIPLINE_SECRET=%q: exit %d, stderr %q; want 1 and %q", tt.secret, code, stderr.String(), tt.want)
		}
	}
}

// TestHelpShowsNoSecret: every command's --help leaves out secrets and the
// passwords in connection URLs taken from the environment.
func TestHelpShowsNoSecret(t *testing.T) {
	t.Setenv("DRIPLINE_SECRET", "s3cret-key-1,s3cret-key-2")
	t.Setenv("DRIPLINE_WEBHOOK_TOKEN", "wh-t0ken")
	t.Setenv("DATABASE_URL", "postgres://app:db-pa55@db.internal/dripline")
	t.Setenv("REDIS_URL", "redis://:redis-pa55@cache.internal:6379/0")
	t.Setenv("SMTP_URL", "smtp://mailer:smtp-pa55@smtp.internal:587")
	for _, words := range leaves(nil, commands()) {
		var stdout, stderr bytes.Buffer
		run(t.Context(), append(words, "--help"), &stdout, &stderr)
		out := stdout.String() + stderr.String()
		if !strings.Contains(out, "-") {
			t.Errorf("dripline %s --help printed nothing", strings.Join(words, " "))
		}
		for _, leak := range []string{"s3cret", "wh-t0ken", "db-pa55", "redis-pa55", "smtp-pa55"} {
			if strings.Contains(out, leak) {
				t.Errorf("dripline %s --help shows %q", strings.Join(words, " "), leak)
			}
		}
	}
}
