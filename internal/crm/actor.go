package crm

// Role is what a user may do, from the seeds: sales works its own contacts,
// activities and letters; admin runs tracks, templates, letters and users;
// manager sees everything. What each may do is decided in access.go.
type Role string

// The roles a rep may have.
const (
	RoleSales   Role = "sales"
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
)

// Actor is who a call acts for: a rep with its role, or the system itself
// (the daemon, an import run by an operator). Every call that acts for
// someone takes one, so the access rules live in one place.
type Actor struct {
	RepID    int64  // 0 for the system
	Role     Role   // "" for the system
	Username string // the rep's; "" for the system
}

// System is the actor for work no rep asked for: the daemon, the command line.
var System = Actor{}

// IsSystem reports whether a is the system rather than a rep.
func (a Actor) IsSystem() bool { return a == System }
