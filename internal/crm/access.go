package crm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dripline/dripline/engine"
)

// The access rule, in one place. From the seeds' roles:
//
//   - sales works its own contacts (owner = itself): it sees and changes
//     only those, their opportunities, sales and events; the activities of
//     its contacts or assigned to it; its own My Day; the letters waiting
//     for its contacts (counts and unmailable ones: it fixes one by fixing
//     its contact's address). Printing, purging and emailing letters is a
//     manager's batch job, not a rep's. It names only itself
//     as the owner or rep of what it creates, so a contact it creates is its
//     own. Another rep's contact is not found (404), never forbidden, so its
//     existence does not leak. It logs activities only for itself, and a
//     hand-logged done activity counts once a day per type and contact.
//   - admin runs users, tracks, templates, letters, enrollments and the
//     suppression list, and sees every contact.
//   - manager sees and does everything, every report.
//   - the system (the daemon, the command line run by an operator with
//     database access) does everything.
//   - a disabled rep is no caller: its tokens and sessions are refused
//     (401) from the moment it is disabled, whatever its role.
//
// Taken values answer 409 whoever asks: a contact created or changed with
// an external_id or an email another contact has is refused with a
// *ConflictError naming the field, even when that contact is another
// rep's. That tells a sales rep the value exists, nothing more (not whose,
// nor anything of the contact); external ids come from another system the
// reps already see, and the honest answer lets the rep ask a manager
// instead of creating a second contact the next import would not match.
// Only imports (admins and managers) may bring two contacts with one email;
// an email reference names the oldest of them.
//
// The rules of each subject ask here: [Allow] for a permission, scope for
// the contacts an actor sees, and the helpers below.

// ErrForbidden is wrapped by errors about work the actor's role may not do.
var ErrForbidden = errors.New("forbidden")

// AuthError is a request whose credentials are missing, unknown, revoked or
// expired: the caller is not known, so nothing was read or changed.
type AuthError struct {
	// Invalid is true when credentials were given but are not valid.
	Invalid bool
}

// Error says what is missing, without saying why a token is not valid.
func (e *AuthError) Error() string {
	if e.Invalid {
		return "the credentials are not valid (unknown, revoked or expired)"
	}
	return "credentials are required: Authorization: Bearer TOKEN"
}

// AsAuthError returns the *AuthError in err's chain, if any.
func AsAuthError(err error) (*AuthError, bool) {
	var e *AuthError
	ok := errors.As(err, &e)
	return e, ok
}

// Permission is work only some roles may do.
type Permission string

// The permissions; every role has none but those granted below.
const (
	ManageUsers        Permission = "manage users and their tokens"
	ImportFiles        Permission = "import CSV files"
	ManageEnrollments  Permission = "pause, resume or end enrollments"
	ManageSuppressions Permission = "see and lift suppressions"
	ManageLetters      Permission = "run the letters pile"
	ActForOthers       Permission = "act for another rep"
	ManageCampaigns    Permission = "add campaigns and their costs"
)

// grants lists the roles having each permission; the system has all.
var grants = map[Permission][]Role{
	ManageUsers:        {RoleAdmin, RoleManager},
	ImportFiles:        {RoleAdmin, RoleManager},
	ManageEnrollments:  {RoleAdmin, RoleManager},
	ManageSuppressions: {RoleAdmin, RoleManager},
	ManageLetters:      {RoleAdmin, RoleManager},
	ActForOthers:       {RoleAdmin, RoleManager},
	ManageCampaigns:    {RoleAdmin, RoleManager},
}

// Allow returns nil when a may do p, else an error wrapping ErrForbidden.
func Allow(a Actor, p Permission) error {
	if a.IsSystem() || slices.Contains(grants[p], a.Role) {
		return nil
	}
	return fmt.Errorf("a %s rep may not %s: %w", roleName(a.Role), p, ErrForbidden)
}

// roleName names a role in messages.
func roleName(r Role) string {
	if r == "" {
		return "roleless"
	}
	return string(r)
}

// scope is the rep whose contacts a sees: its own id for a sales rep, 0
// (every contact) for the others.
func (a Actor) scope() int64 {
	if Allow(a, ActForOthers) == nil {
		return 0
	}
	return a.RepID
}

// owns reports whether a sees a contact owned by the rep ownerID.
func (a Actor) owns(ownerID int64) bool {
	s := a.scope()
	return s == 0 || s == ownerID
}

// nameFor fills an owner or rep field a names: a sales rep may leave it
// empty (meaning itself) or name itself; the others name anyone. field
// names it in the error.
func (a Actor) nameFor(field, username string) (string, error) {
	username = strings.TrimSpace(username)
	if a.scope() == 0 {
		return username, nil
	}
	if username != "" && username != a.Username {
		return "", fmt.Errorf("%s %q: %w", field, username, Allow(a, ActForOthers))
	}
	return a.Username, nil
}

// notFoundFor is the error for something a may not see: it is not found,
// the same as something that does not exist.
func notFoundFor(what string) error {
	return fmt.Errorf("%s: %w", what, engine.ErrNotFound)
}

// see returns nil when a sees a row of the contact contactID (0 for none)
// assigned to the rep named assignee, else an error wrapping
// engine.ErrNotFound naming what.
func (s *Service) see(ctx context.Context, r Reader, a Actor, what string, contactID int64, assignee string) error {
	if a.scope() == 0 || (assignee != "" && assignee == a.Username) {
		return nil
	}
	if contactID != 0 {
		c, err := r.Contact(ctx, contactID)
		if err != nil {
			return err
		}
		if a.owns(c.OwnerID) {
			return nil
		}
	}
	return notFoundFor(what)
}
