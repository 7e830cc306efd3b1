package crm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/dripline/dripline/engine"
)

// Web pages log a rep in with its password (kept as a bcrypt hash) and
// then know it by a session: a random id in an HttpOnly cookie, kept only
// as its SHA-256 hash, with a CSRF token every form carries back, ending
// at logout, at expiry, or when the rep's password changes or its tokens
// are all revoked.

// SessionTTL is how long a session lasts after login.
const SessionTTL = 12 * time.Hour

// Password lengths: bcrypt reads at most 72 bytes.
const (
	minPassword = 10
	maxPassword = 72
)

// Session is a rep logged in to the web pages.
type Session struct {
	ID        string // the cookie's value; set only by Login
	Hash      []byte // SHA-256 of ID, as stored
	RepID     int64
	CSRF      string // the token every form of the session carries
	CreatedAt time.Time
	ExpiresAt time.Time
}

// noPassword is a bcrypt hash no password matches, compared when the
// username is unknown so that a login takes as long either way.
var noPassword = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte(NewSecret()), bcrypt.DefaultCost) // 43 bytes never fail
	return h
})

// SetPassword sets the password of the rep username and ends its sessions.
// It must hold 10 to 72 bytes.
func (s *Service) SetPassword(ctx context.Context, a Actor, username, password string) error {
	if err := Allow(a, ManageUsers); err != nil && a.Username != username {
		return fmt.Errorf("set a password: %w", err)
	}
	switch n := len(password); {
	case n < minPassword:
		return invalid("password", "too short: at least %d characters", minPassword)
	case n > maxPassword:
		return invalid("password", "too long: at most %d bytes", maxPassword)
	case !utf8.ValidString(password):
		return invalid("password", "not valid UTF-8")
	}
	rep, err := s.store.RepByUsername(ctx, username)
	if err != nil {
		return err
	}
	if rep.Disabled {
		return disabledRep(username)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hash the password of %s: %w", username, err)
	}
	return s.store.Tx(ctx, func(tx Tx) error {
		if err := tx.SetPassword(ctx, rep.ID, string(hash)); err != nil {
			return err
		}
		_, err := tx.DeleteSessions(ctx, rep.ID, time.Time{})
		return err
	})
}

// Login starts a session for the rep whose username and password these
// are; anything else is an *AuthError with Invalid, whichever was wrong.
// Sessions expired by now are deleted on the way.
func (s *Service) Login(ctx context.Context, username, password string) (Session, Actor, error) {
	rep, err := s.store.RepByUsername(ctx, username)
	hash := noPassword()
	switch {
	case err == nil:
		h, err := s.store.PasswordHash(ctx, rep.ID)
		if err != nil {
			return Session{}, Actor{}, fmt.Errorf("login: %w", err)
		}
		if h != "" {
			hash = []byte(h)
		}
	case !errors.Is(err, engine.ErrNotFound):
		return Session{}, Actor{}, fmt.Errorf("login: %w", err)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || rep.ID == 0 || rep.Disabled {
		return Session{}, Actor{}, &AuthError{Invalid: true}
	}
	now := s.now()
	id := NewSecret()
	sess := Session{ID: id, Hash: secretHash(id), RepID: rep.ID, CSRF: NewSecret(),
		CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err = s.store.Tx(ctx, func(tx Tx) error {
		if _, err := tx.DeleteSessions(ctx, 0, now); err != nil {
			return err
		}
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return Session{}, Actor{}, fmt.Errorf("login: %w", err)
	}
	return sess, actorOf(rep), nil
}

// Session returns the session a cookie's id names and the actor it stands
// for; a missing, unknown or expired one is an *AuthError. It changes
// nothing.
func (s *Service) Session(ctx context.Context, id string) (Session, Actor, error) {
	if id == "" {
		return Session{}, Actor{}, &AuthError{}
	}
	sess, err := s.store.SessionByHash(ctx, secretHash(id))
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return Session{}, Actor{}, &AuthError{Invalid: true}
	case err != nil:
		return Session{}, Actor{}, fmt.Errorf("session: %w", err)
	case !s.now().Before(sess.ExpiresAt):
		return Session{}, Actor{}, &AuthError{Invalid: true}
	}
	rep, err := s.store.Rep(ctx, sess.RepID)
	switch {
	case err != nil:
		return Session{}, Actor{}, fmt.Errorf("session: %w", err)
	case rep.Disabled:
		return Session{}, Actor{}, &AuthError{Invalid: true}
	}
	return sess, actorOf(rep), nil
}

// Logout ends the session a cookie's id names; an unknown one is no error.
func (s *Service) Logout(ctx context.Context, id string) error {
	return s.store.Tx(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, secretHash(id)) })
}
