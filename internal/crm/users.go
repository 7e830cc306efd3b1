package crm

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
)

// Users are reps: their API tokens are kept only as SHA-256 hashes (right
// for 32 random bytes, which no one guesses), beside a short public prefix
// that lists and revokes them.

// TokenPrefix starts every API token, so a leaked one is easy to spot.
const TokenPrefix = "dl_"

// prefixLen is how much of a token is public: TokenPrefix and 8 characters.
const prefixLen = len(TokenPrefix) + 8

// usedEvery is how stale a token's last use may get before it is noted
// again: one write a minute per token, not one per request.
const usedEvery = time.Minute

// Token is an API token as stored: its hash, never the token.
type Token struct {
	ID         int64      `json:"id"`
	RepID      int64      `json:"-"`
	Rep        string     `json:"rep"`    // the rep's username
	Prefix     string     `json:"prefix"` // the token's first characters
	Label      string     `json:"label"`
	Hash       []byte     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// User is a rep with its credentials, as `dripline users list` shows it:
// no secret.
type User struct {
	engine.Rep
	HasPassword bool
	Tokens      []Token // every token, revoked ones too
}

// secretHash is the SHA-256 hash under which a token or session id is kept.
func secretHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// NewSecret returns 32 random bytes as URL-safe text: tokens, session ids,
// CSRF tokens.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IssueToken makes a new API token for the rep username and returns it:
// the only time it is shown. Admins, managers and the system issue tokens.
func (s *Service) IssueToken(ctx context.Context, a Actor, username, label string) (string, Token, error) {
	if err := Allow(a, ManageUsers); err != nil {
		return "", Token{}, fmt.Errorf("issue a token: %w", err)
	}
	rep, err := s.store.RepByUsername(ctx, username)
	if err != nil {
		return "", Token{}, err
	}
	if rep.Disabled {
		return "", Token{}, disabledRep(username)
	}
	secret := TokenPrefix + NewSecret()
	t := Token{RepID: rep.ID, Rep: rep.Username, Prefix: secret[:prefixLen], Label: strings.TrimSpace(label),
		Hash: secretHash(secret), CreatedAt: s.now()}
	if err := s.store.Tx(ctx, func(tx Tx) error { return tx.CreateToken(ctx, &t) }); err != nil {
		return "", Token{}, fmt.Errorf("issue a token for %s: %w", username, err)
	}
	return secret, t, nil
}

// RevokeToken revokes the token a prefix (or the whole token) names. An
// unknown or already revoked one wraps engine.ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, a Actor, prefix string) error {
	if err := Allow(a, ManageUsers); err != nil {
		return fmt.Errorf("revoke a token: %w", err)
	}
	prefix = strings.TrimSpace(prefix)
	if len(prefix) > prefixLen {
		prefix = prefix[:prefixLen]
	}
	var ok bool
	err := s.store.Tx(ctx, func(tx Tx) (err error) {
		ok, err = tx.RevokeToken(ctx, prefix, s.now())
		return err
	})
	if err == nil && !ok {
		err = fmt.Errorf("no token %q in use: %w", prefix, engine.ErrNotFound)
	}
	return err
}

// RevokeAll revokes every token of the rep username and ends its web
// sessions; it returns how many tokens it revoked.
func (s *Service) RevokeAll(ctx context.Context, a Actor, username string) (int, error) {
	if err := Allow(a, ManageUsers); err != nil {
		return 0, fmt.Errorf("revoke tokens: %w", err)
	}
	rep, err := s.store.RepByUsername(ctx, username)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.store.Tx(ctx, func(tx Tx) error {
		if n, err = tx.RevokeTokens(ctx, rep.ID, s.now()); err != nil {
			return err
		}
		_, err = tx.DeleteSessions(ctx, rep.ID, time.Time{})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("revoke the tokens of %s: %w", username, err)
	}
	return n, nil
}

// Users lists every rep with its tokens and whether it has a password.
func (s *Service) Users(ctx context.Context, a Actor) ([]User, error) {
	if err := Allow(a, ManageUsers); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	reps, err := s.store.Reps(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	tokens, err := s.store.Tokens(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	byRep := map[int64][]Token{}
	for _, t := range tokens {
		byRep[t.RepID] = append(byRep[t.RepID], t)
	}
	passwords, err := s.store.RepsWithPassword(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	users := make([]User, 0, len(reps))
	for _, r := range reps {
		users = append(users, User{Rep: r, HasPassword: passwords[r.ID], Tokens: byRep[r.ID]})
	}
	return users, nil
}

// Authenticate returns the actor an API token stands for. A missing token
// is an *AuthError; an unknown or revoked one an *AuthError with Invalid.
func (s *Service) Authenticate(ctx context.Context, token string) (Actor, error) {
	if token == "" {
		return Actor{}, &AuthError{}
	}
	t, rep, err := s.store.TokenByHash(ctx, secretHash(token))
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return Actor{}, &AuthError{Invalid: true}
	case err != nil:
		return Actor{}, fmt.Errorf("authenticate: %w", err)
	case t.RevokedAt != nil || rep.Disabled:
		return Actor{}, &AuthError{Invalid: true}
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= usedEvery {
		err := s.store.Tx(ctx, func(tx Tx) error { return tx.TokenUsed(ctx, t.ID, now) })
		if err != nil {
			s.log.WarnContext(ctx, "note a token's use", "token", t.Prefix, "err", err)
		}
	}
	return actorOf(rep), nil
}

// disabledRep is the error for a disabled rep given a token or a password.
func disabledRep(username string) error {
	return &ConflictError{Field: "username", Message: fmt.Sprintf("%q is disabled: enable it first", username)}
}

// actorOf is the actor a rep acts as.
func actorOf(r engine.Rep) Actor {
	return Actor{RepID: r.ID, Role: Role(r.Role), Username: r.Username}
}
