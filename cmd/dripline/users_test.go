package main

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/pgtest"
)

func TestUsersAndSuppressionsCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.URL(t)
	steps := []struct {
		args   []string
		code   int
		stdout string // a line the output must hold
	}{
		{[]string{"users", "add", "ada", "--role", "admin", "--name", "Ada Lovelace"}, 0, "user ada added (admin"},
		{[]string{"users", "add", "sam", "--role", "sales", "--quota", "300"}, 0, "user sam added (sales"},
		{[]string{"users", "add", "sam", "--role", "sales"}, 1, ""},
		{[]string{"users", "add", "bob", "--role", "boss"}, 1, ""},
		{[]string{"users", "add", "bob"}, 2, ""},
		{[]string{"users", "token", "nobody"}, 1, ""},
		{[]string{"users", "revoke"}, 2, ""},
		{[]string{"users", "revoke", "dl_nothing"}, 1, ""},
		{[]string{"suppressions", "lift", "x@example.com"}, 2, ""},
		{[]string{"suppressions", "lift", "x@example.com", "--reason", "asked"}, 1, ""},
		{[]string{"suppressions", "show", "x@example.com"}, 1, ""},
		{[]string{"suppressions", "list"}, 0, "EMAIL"},
		{[]string{"users", "frob"}, 2, ""},
	}
	for _, s := range steps {
		code, out, errs := runDripline(t, append(s.args, "--database-url", db)...)
		if code != s.code || !strings.Contains(out, s.stdout) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), code, out, errs, s.code, s.stdout)
		}
	}
	code, token, errs := runDripline(t, "users", "token", "ada", "--label", "laptop", "--database-url", db)
	token = strings.TrimSpace(token)
	if code != 0 || !strings.HasPrefix(token, "dl_") || !strings.Contains(errs, "not shown again") {
		t.Fatalf("users token: exit %d, stdout %q, stderr %q", code, token, errs)
	}
	var out bytes.Buffer
	if err := setPassword(context.Background(), []string{"sam", "--database-url", db},
		strings.NewReader("correct horse battery\n"), &out, &out); err != nil {
		t.Fatalf("users password: %v: %s", err, out.String())
	}
	_, list, _ := runDripline(t, "users", "list", "--database-url", db)
	if strings.Contains(list, token) || !strings.Contains(list, token[:11]+" laptop") {
		t.Errorf("users list shows a secret or misses the token prefix:\n%s", list)
	}
	password := map[string]bool{} // whether each of ada and sam is listed with a password
	for _, l := range strings.Split(list, "\n") {
		if user, _, _ := strings.Cut(l, " "); user == "sam" || user == "ada" {
			password[user] = strings.Contains(l, " yes ")
		}
	}
	if want := map[string]bool{"ada": false, "sam": true}; !maps.Equal(password, want) {
		t.Errorf("users list: passwords %v, want %v:\n%s", password, want, list)
	}
	if code, out, errs := runDripline(t, "users", "revoke", token[:11], "--database-url", db); code != 0 {
		t.Errorf("users revoke: exit %d, %q %q", code, out, errs)
	}
	if code, out, _ := runDripline(t, "users", "revoke", "--all", "ada", "--database-url", db); code != 0 || !strings.HasPrefix(out, "0 tokens of ada revoked") {
		t.Errorf("users revoke --all: exit %d, %q", code, out)
	}
}
