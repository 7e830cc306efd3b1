package postgres_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// isAuthError reports whether err is a *crm.AuthError.
func isAuthError(err error) bool {
	_, ok := crm.AsAuthError(err)
	return ok
}

func TestTokensAreStoredHashedAndRevoked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, pool, _ := crmSetupClock(t)
	if _, err := svc.CreateRep(ctx, crm.System, crm.RepFields{Username: "ada", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	token, tok, err := svc.IssueToken(ctx, crm.System, "ada", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, crm.TokenPrefix) || !strings.HasPrefix(token, tok.Prefix) || len(token) < 40 {
		t.Errorf("token %q, prefix %q", token, tok.Prefix)
	}
	var (
		stored []byte
		prefix string
	)
	if err := pool.QueryRow(ctx, `SELECT hash, prefix FROM api_tokens`).Scan(&stored, &prefix); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(token)); !bytes.Equal(stored, sum[:]) || prefix != token[:11] {
		t.Errorf("stored hash %x and prefix %q, want the SHA-256 of the token and its first 11 characters", stored, prefix)
	}
	a, err := svc.Authenticate(ctx, token)
	if err != nil || a.Username != "ada" || a.Role != crm.RoleAdmin || a.RepID == 0 {
		t.Fatalf("authenticate: %+v, %v", a, err)
	}
	second, _, err := svc.IssueToken(ctx, crm.System, "ada", "phone")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RevokeToken(ctx, crm.System, token); err != nil { // the whole token names its prefix
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, token); !isAuthError(err) {
		t.Errorf("a revoked token: %v, want an AuthError", err)
	}
	if _, err := svc.Authenticate(ctx, second); err != nil {
		t.Errorf("the other token after revoking one: %v", err)
	}
	if err := svc.RevokeToken(ctx, crm.System, tok.Prefix); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("revoking twice: %v, want not found", err)
	}
	if n, err := svc.RevokeAll(ctx, crm.System, "ada"); n != 1 || err != nil {
		t.Errorf("revoke --all: %d, %v; want 1", n, err)
	}
	if _, err := svc.Authenticate(ctx, second); !isAuthError(err) {
		t.Errorf("a token after revoke --all: %v", err)
	}
	users, err := svc.Users(ctx, crm.System)
	if err != nil || len(users) != 1 || len(users[0].Tokens) != 2 || users[0].Tokens[0].RevokedAt == nil {
		t.Errorf("users: %+v, %v", users, err)
	}
	sales := crm.Actor{RepID: 99, Role: crm.RoleSales, Username: "sam"}
	if _, _, err := svc.IssueToken(ctx, sales, "ada", ""); !errors.Is(err, crm.ErrForbidden) {
		t.Errorf("a sales rep issuing a token: %v, want forbidden", err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, pool, clk := crmSetupClock(t)
	for _, u := range []string{"sam", "sid"} {
		if _, err := svc.CreateRep(ctx, crm.System, crm.RepFields{Username: u}); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.SetPassword(ctx, crm.System, "sam", "short"); err == nil {
		t.Error("a 5-character password was accepted")
	}
	if err := svc.SetPassword(ctx, crm.System, "sam", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ user, password string }{
		{"sam", "wrong password"}, {"sid", ""}, {"sid", "correct horse battery"}, {"nobody", "correct horse battery"},
	} {
		if _, _, err := svc.Login(ctx, c.user, c.password); !isAuthError(err) {
			t.Errorf("login %s/%q: %v, want an AuthError", c.user, c.password, err)
		}
	}
	sess, a, err := svc.Login(ctx, "sam", "correct horse battery")
	if err != nil || a.Username != "sam" || sess.ID == "" || sess.CSRF == "" || sess.CSRF == sess.ID {
		t.Fatalf("login: %+v %+v %v", sess, a, err)
	}
	if sum := sha256.Sum256([]byte(sess.ID)); !bytes.Equal(sess.Hash, sum[:]) ||
		countRows(t, pool, `SELECT count(*) FROM sessions WHERE id_hash = sha256('`+sess.ID+`'::bytea)`) != 1 {
		t.Error("the session is not stored under the SHA-256 of its id")
	}
	got, who, err := svc.Session(ctx, sess.ID)
	if err != nil || who != a || got.CSRF != sess.CSRF {
		t.Errorf("session: %+v %+v %v", got, who, err)
	}
	if _, _, err := svc.Session(ctx, sess.ID+"x"); !isAuthError(err) {
		t.Errorf("an unknown session: %v", err)
	}
	clk.Advance(crm.SessionTTL)
	if _, _, err := svc.Session(ctx, sess.ID); !isAuthError(err) {
		t.Errorf("an expired session: %v", err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM sessions`); n != 1 {
		t.Errorf("looking up a session changed the table: %d rows", n)
	}
	again, _, err := svc.Login(ctx, "sam", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM sessions`); n != 1 {
		t.Errorf("a login left the expired session: %d rows", n)
	}
	if err := svc.Logout(ctx, again.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Session(ctx, again.ID); !isAuthError(err) {
		t.Errorf("a session after logout: %v", err)
	}
	third, _, err := svc.Login(ctx, "sam", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if err := svc.SetPassword(ctx, crm.System, "sam", "a new passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Session(ctx, third.ID); !isAuthError(err) {
		t.Errorf("a session after the password changed: %v", err)
	}
}
