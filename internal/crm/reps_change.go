package crm

import (
	"context"
	"fmt"
	"time"

	"github.com/dripline/dripline/engine"
)

// RepChanges are the fields of a rep `dripline users set` changes; nil
// fields stay as they are.
type RepChanges struct {
	Role         *string
	Name         *string
	Email        *string
	MonthlyQuota *int
}

// UpdateRep changes a rep's role, name, email or quota (admins, managers
// and the system). A new role holds from the rep's next request: tokens and
// sessions carry no role of their own.
func (s *Service) UpdateRep(ctx context.Context, a Actor, username string, c RepChanges) (engine.Rep, error) {
	if err := Allow(a, ManageUsers); err != nil {
		return engine.Rep{}, fmt.Errorf("change rep %s: %w", username, err)
	}
	return s.changeRep(ctx, username, func(_ Tx, r *engine.Rep) error {
		f := RepFields{Username: r.Username, Name: r.Name, Email: r.Email, Role: r.Role, MonthlyQuota: &r.MonthlyQuota}
		for _, p := range []struct{ dst, v *string }{{&f.Name, c.Name}, {&f.Email, c.Email}, {&f.Role, c.Role}} {
			if p.v != nil {
				*p.dst = *p.v
			}
		}
		if c.MonthlyQuota != nil {
			f.MonthlyQuota = c.MonthlyQuota
		}
		if f.Role == "" {
			return invalid("role", "is empty: want sales, admin or manager")
		}
		if err := f.validate(); err != nil {
			return err
		}
		r.Name, r.Email, r.Role, r.MonthlyQuota = f.Name, f.Email, f.Role, *f.MonthlyQuota
		return nil
	})
}

// DisableRep disables a rep (admins, managers and the system), or enables
// it again when disabled is false. A disabled rep's tokens are revoked and
// its sessions ended at once, it cannot sign in or be given a token, and
// owner assignment skips it; it still owns its contacts, activities and
// letters, which a manager may give to another rep. It returns the rep and
// how many tokens were revoked.
func (s *Service) DisableRep(ctx context.Context, a Actor, username string, disabled bool) (engine.Rep, int, error) {
	verb := map[bool]string{true: "disable", false: "enable"}[disabled]
	if err := Allow(a, ManageUsers); err != nil {
		return engine.Rep{}, 0, fmt.Errorf("%s rep %s: %w", verb, username, err)
	}
	var n int
	r, err := s.changeRep(ctx, username, func(tx Tx, r *engine.Rep) error {
		r.Disabled = disabled
		if !disabled {
			return nil
		}
		var err error
		if n, err = tx.RevokeTokens(ctx, r.ID, s.now()); err != nil {
			return err
		}
		_, err = tx.DeleteSessions(ctx, r.ID, time.Time{})
		return err
	})
	return r, n, err
}

// changeRep locks the rep username, lets change alter it in the
// transaction, and stores it.
func (s *Service) changeRep(ctx context.Context, username string, change func(Tx, *engine.Rep) error) (engine.Rep, error) {
	var r engine.Rep
	err := s.store.Tx(ctx, func(tx Tx) error {
		var err error
		if r, err = tx.RepByUsername(ctx, username); err != nil {
			return err
		}
		if err := tx.LockRep(ctx, r.ID); err != nil {
			return err
		}
		if r, err = tx.Rep(ctx, r.ID); err != nil {
			return err
		}
		if err := change(tx, &r); err != nil {
			return err
		}
		return tx.UpdateRep(ctx, r, s.now())
	})
	if err != nil {
		return engine.Rep{}, fmt.Errorf("change rep %s: %w", username, err)
	}
	return r, nil
}

// ActorFor is the actor the rep username acts as, for the command line's
// --by: an unknown or disabled rep is a validation error on field.
func (s *Service) ActorFor(ctx context.Context, field, username string) (Actor, error) {
	r, err := existingRep(ctx, s.store, field, username)
	if err != nil {
		return Actor{}, err
	}
	if r.Disabled {
		return Actor{}, invalid(field, "rep %q is disabled", username)
	}
	return actorOf(r), nil
}
