package tracks

import "time"

// Channel is the kind of action a step carries out.
type Channel string

// The channels a step can use; each step has exactly one.
const (
	ChannelEmail  Channel = "email"
	ChannelLetter Channel = "letter"
	ChannelCall   Channel = "call"
	ChannelTask   Channel = "task"
)

// Kind classifies a track, following the ConnectWise track types.
type Kind string

// The track kinds the language accepts.
const (
	KindGeneralInterest Kind = "general-interest"
	KindIndustry        Kind = "industry"
	KindValueAdd        Kind = "value-add"
	KindEvent           Kind = "event"
	KindLostSale        Kind = "lost-sale"
	KindAfterSale       Kind = "after-sale"
	KindCustom          Kind = "custom"
)

// Anchor says what a step's `at:` offset counts from.
type Anchor string

// The anchors a track can use.
const (
	AnchorEnrolled Anchor = "enrolled" // the instant the contact was enrolled (default)
	AnchorEvent    Anchor = "event"    // the date of the event that enrolled the contact
)

// Reenroll says whether a contact may be enrolled on a track again.
type Reenroll string

// The re-enrollment policies.
const (
	ReenrollNever     Reenroll = "never"      // at most one enrollment per contact, ever (default)
	ReenrollAfterExit Reenroll = "after-exit" // again once an exit event ended the previous one
	ReenrollAfterEnd  Reenroll = "after-end"  // again once the previous one ended in any way (birthdays, repeat sales)
)

// TimeZoneContact is the window.timezone value that means "the contact's own zone".
const TimeZoneContact = "contact"

// Event names a CRM event understands by the engine. `manual` always enrolls on
// the track it names.
const (
	EventManual           = "manual"
	EventContactCreated   = "contact.created"
	EventContactUpdated   = "contact.updated"
	EventUnsubscribed     = "contact.unsubscribed"
	EventBounced          = "contact.bounced"
	EventBirthday         = "contact.birthday"
	EventOpportunityOpen  = "opportunity.created"
	EventOpportunityWon   = "opportunity.won"
	EventOpportunityLost  = "opportunity.lost"
	EventSaleClosed       = "sale.closed"
	EventEventAttended    = "event.attended"
	EventServiceDue       = "service.due"
	EventServiceCompleted = "service.completed"
)

// Events lists every event name a track may refer to, in a stable order.
var Events = []string{
	EventManual, EventContactCreated, EventContactUpdated, EventUnsubscribed, EventBounced,
	EventBirthday, EventOpportunityOpen, EventOpportunityWon, EventOpportunityLost,
	EventSaleClosed, EventEventAttended, EventServiceDue, EventServiceCompleted,
}

// Pos is a position in a track file.
type Pos struct {
	File string
	Line int
	Col  int
}

// Track is one parsed and validated track.
type Track struct {
	ID          string
	Name        string
	Kind        Kind
	Description string
	Enroll      Enroll
	Anchor      Anchor
	Exit        []string // events that end an enrollment early
	Window      *Window  // nil: touches may go out at any time
	Steps       []Step
	Then        string // id of the track to move on to after the last step; empty for none
	File        string // where the track was read from
	Source      []byte // the YAML as read, kept so every version can be stored
	Hash        string // hex SHA-256 of Source

	idPos, thenPos Pos // where id and then were written, for library errors
}

// Enroll holds a track's enrollment rules.
type Enroll struct {
	On       []string    // events that enroll a contact
	If       []Condition // all must hold
	Reenroll Reenroll
}

// Condition is one `enroll.if` entry: the field must equal one of Values.
type Condition struct {
	Field  string // e.g. contact.status, contact.industry, contact.custom.NAME, event.item
	Values []string
}

// Window limits when touches may go out.
type Window struct {
	Days     [7]bool // allowed days, indexed by time.Weekday
	Start    int     // minutes after local midnight, inclusive
	End      int     // minutes after local midnight, exclusive
	TimeZone string  // TimeZoneContact or an IANA zone name
	Fallback string  // IANA zone used when the contact has none; UTC when the track names none
}

// Step is one timed touch of a track.
type Step struct {
	ID      string
	At      *Duration // offset from the anchor; exactly one of At and After is set
	After   *Duration // offset from the previous step's final due time
	Channel Channel
	Action  Action
	Pos     Pos

	templatePos, subjectPos, notesPos Pos // where the action's fields were written, for library errors
}

// Action is what a step does. Which fields apply depends on the channel.
type Action struct {
	Template string // email, letter: the template name
	From     string // email: sender address overriding the contact's owner rep
	Assign   string // call, task: "owner" or a rep's username
	Subject  string // call, task: activity subject (a template string)
	Notes    string // call, task: activity notes
	Activity string // activity type logged for the touch; a default per channel when empty
}

// PlannedTouch is one step of a plan with its final due time.
type PlannedTouch struct {
	Step    string
	Channel Channel
	Due     time.Time
}
