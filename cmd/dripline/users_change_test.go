package main

import (
	"context"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestUsersSetDisableAndLiftBy(t *testing.T) {
	t.Parallel()
	db := pgtest.URL(t)
	pool, err := pgxpool.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(context.Background(), `INSERT INTO suppressions (email, reason) VALUES
		('a@example.com', 'unsubscribe'), ('b@example.com', 'unsubscribe'), ('c@example.com', 'unsubscribe')`); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		args   []string
		code   int
		stdout string // a line the output must hold
	}{
		{[]string{"users", "add", "ada", "--role", "admin"}, 0, "user ada added"},
		{[]string{"users", "add", "sam", "--role", "sales", "--quota", "300"}, 0, "user sam added"},
		{[]string{"users", "set", "sam"}, 2, ""},
		{[]string{"users", "set", "sam", "--role", "boss"}, 1, ""},
		{[]string{"users", "set", "sam", "--quota", "-1"}, 1, ""},
		{[]string{"users", "set", "nobody", "--role", "admin"}, 1, ""},
		{[]string{"users", "set", "sam", "--role", "manager", "--name", "Sam Ray"}, 0, `user sam: manager, "Sam Ray", "", quota 300`},
		{[]string{"users", "set", "sam", "--quota", "0"}, 0, `user sam: manager, "Sam Ray", "", quota 0`},
		{[]string{"users", "token", "sam"}, 0, "dl_"},
		{[]string{"users", "disable", "sam"}, 0, "user sam disabled: 1 tokens revoked"},
		{[]string{"users", "list"}, 0, "manager (disabled)"},
		{[]string{"users", "token", "sam"}, 1, ""},
		{[]string{"users", "disable", "nobody"}, 1, ""},
		{[]string{"suppressions", "lift", "a@example.com", "--reason", "asked", "--by", "sam"}, 1, ""},
		{[]string{"suppressions", "lift", "a@example.com", "--reason", "asked", "--by", "nobody"}, 1, ""},
		{[]string{"users", "enable", "sam"}, 0, "user sam enabled"},
		{[]string{"suppressions", "lift", "a@example.com", "--reason", "asked by phone", "--by", "sam"}, 0, "lifted  unsubscribe  sam  asked by phone"},
		{[]string{"users", "set", "sam", "--role", "sales"}, 0, "user sam: sales"},
		{[]string{"suppressions", "lift", "b@example.com", "--reason", "asked", "--by", "sam"}, 1, ""},
		{[]string{"suppressions", "lift", "c@example.com", "--reason", "asked"}, 0, "lifted  unsubscribe  system  asked"},
	} {
		code, out, errs := runDripline(t, append(s.args, "--database-url", db)...)
		if code != s.code || !strings.Contains(out, s.stdout) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), code, out, errs, s.code, s.stdout)
		}
	}
}
