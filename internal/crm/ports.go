package crm

import (
	"context"
	"time"

	"github.com/dripline/dripline/engine"
)

// Store is where the CRM keeps its rows: PostgreSQL in production
// (internal/postgres). It reads outside a transaction; every change goes
// through Tx. Missing rows wrap engine.ErrNotFound.
type Store interface {
	Reader
	// Tx runs fn in one transaction, committed when fn returns nil and
	// rolled back otherwise.
	Tx(ctx context.Context, fn func(Tx) error) error
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
}

// Tx is one transaction of the Store: what it reads, what it writes, and
// the same transaction as the engine sees it, so a change and the
// enrollments its event causes commit together.
type Tx interface {
	Reader
	Writer
	// Engine is this transaction for the engine (the EventSink).
	Engine() engine.Tx
}

// Reader is what the CRM rules read.
type Reader interface {
	AccessReader
	// ResolveContacts maps each contact reference to a contact id: by
	// external_id, else by email (case- and space-insensitive, the oldest
	// contact with it), else by numeric id, among the contacts the rep owner owns (every
	// contact when owner is 0). References matching no contact are left out.
	ResolveContacts(ctx context.Context, refs []string, owner int64) (map[string]int64, error)
	// Contact returns one contact with its owner's username.
	Contact(ctx context.Context, id int64) (engine.Contact, error)
	// Contacts lists, in id order, at most f.Limit contacts with an id above
	// f.After, of status f.Status, owner f.Owner and owner id f.OwnerID when
	// those are set.
	Contacts(ctx context.Context, f ContactFilter) ([]engine.Contact, error)
	// FindContacts lists, in id order, the contacts having one of the
	// external ids or one of the emails (compared in lower case, without
	// the white space around a stored address).
	FindContacts(ctx context.Context, externalIDs, emails []string) ([]engine.Contact, error)

	Rep(ctx context.Context, id int64) (engine.Rep, error)
	RepByUsername(ctx context.Context, username string) (engine.Rep, error)
	// Reps lists every rep by username.
	Reps(ctx context.Context) ([]engine.Rep, error)

	Opportunity(ctx context.Context, id int64) (Opportunity, error)
	// Campaigns lists every campaign by name.
	Campaigns(ctx context.Context) ([]Campaign, error)

	Activity(ctx context.Context, id int64) (Activity, error)
	// Activities lists activities by due time (else creation time), then id.
	Activities(ctx context.Context, q ActivityQuery) ([]Activity, error)
	// ContactActivities lists a contact's activities by id.
	ContactActivities(ctx context.Context, contactID int64) ([]Activity, error)
	// OpenActivities lists a rep's open activities due before the instant
	// (or with no due time), by due time with the undated last, then id,
	// leaving out those of letters waiting to be printed (the manager's).
	OpenActivities(ctx context.Context, repID int64, before time.Time) ([]Activity, error)
	// LoggedByHand counts the activities of a type (any case) on a contact
	// (0: with none) that the rep logged by hand (no touch) and completed in
	// [from, until).
	LoggedByHand(ctx context.Context, repID, contactID int64, typ string, from, until time.Time) (int, error)
	// PointsEarned sums the points of a rep's activities completed in [from, until).
	PointsEarned(ctx context.Context, repID int64, from, until time.Time) (int, error)

	// Touches lists a contact's touches by due time, then id.
	Touches(ctx context.Context, contactID int64) ([]TouchInfo, error)
	// Enrollments lists a contact's enrollments, newest first.
	Enrollments(ctx context.Context, contactID int64) ([]Enrollment, error)
}

// Writer is what the CRM rules change, inside a Tx.
type Writer interface {
	AccessWriter
	// TakeTurn makes this transaction turn n of the sequence key until it
	// ends. AwaitTurn waits until the transaction holding turn n of key, if
	// any, has ended. The store does the waiting, so a cycle of waits through
	// it is a deadlock it detects and breaks, failing one transaction with an
	// error wrapping engine.ErrTransient.
	TakeTurn(ctx context.Context, key, n int32) error
	AwaitTurn(ctx context.Context, key, n int32) error
	// LockContact reads a contact and locks it until the transaction ends.
	// LockContacts does so for those of the ids that exist, by id.
	LockContacts(ctx context.Context, ids []int64) (map[int64]engine.Contact, error)
	LockContact(ctx context.Context, id int64) (engine.Contact, error)
	// CreateContacts inserts the contacts and sets their ID and OwnerID;
	// UpdateContacts stores every column of existing ones and puts back on
	// the letters pile their unmailable letters whose address is now
	// usable. Both create the owner reps (by username) and the companies (by
	// name, case-insensitive) that do not exist yet. A taken external_id
	// wraps engine.ErrConflict.
	CreateContacts(ctx context.Context, cs []*engine.Contact) error
	UpdateContacts(ctx context.Context, cs []*engine.Contact) error
	// EmailTaken reports whether a contact other than except has email,
	// compared as lower(btrim(email)). It holds a lock on that address until
	// the transaction ends, so two transactions cannot both find it free.
	EmailTaken(ctx context.Context, email string, except int64) (bool, error)

	// CreateRep inserts r and sets its ID; a taken username wraps
	// engine.ErrConflict.
	CreateRep(ctx context.Context, r *engine.Rep) error
	// UpdateRep stores a rep's name, email, role, monthly quota and whether
	// it is disabled (since at, when it was not).
	UpdateRep(ctx context.Context, r engine.Rep, at time.Time) error
	// LockRep locks a rep's row until the transaction ends.
	LockRep(ctx context.Context, id int64) error

	// LockOpportunity reads an opportunity and locks it until the
	// transaction ends.
	LockOpportunity(ctx context.Context, id int64) (Opportunity, error)
	// CreateOpportunity inserts o and sets its ID; UpdateOpportunity stores
	// every field of an existing one. Owner and Campaign are names of an
	// existing rep and campaign, "" for none.
	CreateOpportunity(ctx context.Context, o *Opportunity) error
	UpdateOpportunity(ctx context.Context, o *Opportunity) error
	// EnsureCampaign creates the campaign named unless it exists.
	EnsureCampaign(ctx context.Context, name string) error
	// CreateCampaign inserts c and sets its ID and CreatedAt; a campaign of
	// that name with no type (one EnsureCampaign made) takes c's fields
	// instead. Any other one of that name wraps engine.ErrConflict.
	CreateCampaign(ctx context.Context, c *Campaign) error

	// CreateSale inserts s and sets its ID. Rep is an existing rep's
	// username, "" for none.
	CreateSale(ctx context.Context, s *Sale) error

	// CompleteActivity marks an open activity done at the instant, adding
	// notes on a line of their own. It reports false, changing nothing, when
	// the activity is not open.
	CompleteActivity(ctx context.Context, id int64, notes string, at time.Time) (bool, error)
}

// ActivityQuery selects activities for Reader.Activities; zero fields
// select all.
type ActivityQuery struct {
	ContactID int64
	Rep       string // a rep's username
	Status    string // open | done | canceled
	VisibleTo int64  // a rep's id: only the activities of its contacts or assigned to it
	Offset    int
	Limit     int
}

// AccessReader reads users' credentials and the suppression list.
type AccessReader interface {
	// TokenByHash returns the token with this SHA-256 hash, revoked or
	// not, and its rep.
	TokenByHash(ctx context.Context, hash []byte) (Token, engine.Rep, error)
	// Tokens lists the tokens of a rep (every rep's when 0) by id.
	Tokens(ctx context.Context, repID int64) ([]Token, error)
	// PasswordHash returns a rep's password hash, "" when it has none.
	PasswordHash(ctx context.Context, repID int64) (string, error)
	// RepsWithPassword returns the ids of the reps that have a password.
	RepsWithPassword(ctx context.Context) (map[int64]bool, error)
	// SessionByHash returns the session with this SHA-256 hash of its id.
	SessionByHash(ctx context.Context, hash []byte) (Session, error)

	// Suppressions lists the addresses suppressed now, by email, at most
	// f.Limit after f.After, of reason f.Reason when set.
	Suppressions(ctx context.Context, f SuppressionFilter) ([]Suppression, error)
	// SuppressionEvents lists an address's suppressions and lifts, oldest first.
	SuppressionEvents(ctx context.Context, email string) ([]SuppressionEvent, error)
}

// AccessWriter changes users' credentials and lifts suppressions, inside a Tx.
type AccessWriter interface {
	// CreateToken stores t (its hash, never the token) and sets its ID; a
	// taken prefix wraps engine.ErrConflict.
	CreateToken(ctx context.Context, t *Token) error
	// RevokeTokens revokes every token of the rep not revoked yet and
	// returns how many.
	RevokeTokens(ctx context.Context, repID int64, at time.Time) (int, error)
	// RevokeToken revokes the token with this prefix, whoever's it is; it
	// returns false when no token not yet revoked has it.
	RevokeToken(ctx context.Context, prefix string, at time.Time) (bool, error)
	// TokenUsed notes when a token was last used.
	TokenUsed(ctx context.Context, id int64, at time.Time) error
	// SetPassword stores a rep's password hash.
	SetPassword(ctx context.Context, repID int64, hash string) error

	// CreateSession stores a session (its hash, never its id).
	CreateSession(ctx context.Context, s Session) error
	// DeleteSession ends the session with this hash of its id.
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteSessions ends a rep's sessions (repID > 0) or the sessions
	// expired at the instant (repID 0), and returns how many.
	DeleteSessions(ctx context.Context, repID int64, expiredAt time.Time) (int, error)

	// LiftSuppression takes an address off the suppression list and records
	// ev (its action "lifted", with the suppression's reason) in its
	// history. It returns false, changing nothing, when the address is not
	// suppressed.
	LiftSuppression(ctx context.Context, ev SuppressionEvent) (bool, error)
}
