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
	// ResolveContacts maps each contact reference to a contact id: by
	// external_id, else by email (case-insensitive, the oldest contact with
	// it), else by numeric id. References matching no contact are left out.
	ResolveContacts(ctx context.Context, refs []string) (map[string]int64, error)
	// Contact returns one contact with its owner's username.
	Contact(ctx context.Context, id int64) (engine.Contact, error)
	// Contacts lists, in id order, at most f.Limit contacts with an id above
	// f.After, of status f.Status and owner f.Owner when those are set.
	Contacts(ctx context.Context, f ContactFilter) ([]engine.Contact, error)
	// FindContacts lists, in id order, the contacts having one of the
	// external ids or one of the emails (compared in lower case).
	FindContacts(ctx context.Context, externalIDs, emails []string) ([]engine.Contact, error)

	Rep(ctx context.Context, id int64) (engine.Rep, error)
	RepByUsername(ctx context.Context, username string) (engine.Rep, error)
	// Reps lists every rep by username.
	Reps(ctx context.Context) ([]engine.Rep, error)

	Opportunity(ctx context.Context, id int64) (Opportunity, error)

	Activity(ctx context.Context, id int64) (Activity, error)
	// Activities lists activities by due time (else creation time), then id.
	Activities(ctx context.Context, q ActivityQuery) ([]Activity, error)
	// ContactActivities lists a contact's activities by id.
	ContactActivities(ctx context.Context, contactID int64) ([]Activity, error)
	// OpenActivities lists a rep's open activities due before the instant
	// (or with no due time), by due time with the undated last, then id.
	OpenActivities(ctx context.Context, repID int64, before time.Time) ([]Activity, error)
	// PointsEarned sums the points of a rep's activities completed in [from, until).
	PointsEarned(ctx context.Context, repID int64, from, until time.Time) (int, error)

	// Touches lists a contact's touches by due time, then id.
	Touches(ctx context.Context, contactID int64) ([]TouchInfo, error)
	// Enrollments lists a contact's enrollments, newest first.
	Enrollments(ctx context.Context, contactID int64) ([]Enrollment, error)
}

// Writer is what the CRM rules change, inside a Tx.
type Writer interface {
	// LockContact reads a contact and locks it until the transaction ends.
	LockContact(ctx context.Context, id int64) (engine.Contact, error)
	// CreateContacts inserts the contacts and sets their ID and OwnerID;
	// UpdateContacts stores every column of existing ones. Both create the
	// owner reps (by username) and the companies (by name, case-insensitive)
	// that do not exist yet. A taken external_id wraps engine.ErrConflict.
	CreateContacts(ctx context.Context, cs []*engine.Contact) error
	UpdateContacts(ctx context.Context, cs []*engine.Contact) error

	// CreateRep inserts r and sets its ID; a taken username wraps
	// engine.ErrConflict.
	CreateRep(ctx context.Context, r *engine.Rep) error

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
	Offset    int
	Limit     int
}
