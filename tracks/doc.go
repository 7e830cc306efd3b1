// Package tracks is Dripline's track language: it parses and checks track
// files, does their calendar arithmetic and plans when each touch falls due.
// It is pure: no I/O beyond reading the files it is asked to load and the
// time zone database.
//
// # Tracks
//
// A track is one YAML file that a marketer writes:
//
//	id: general-interest              # required, [a-z0-9-]+, unique in the library
//	name: General Interest            # required
//	kind: general-interest            # default custom
//	enroll:
//	  on: [contact.created]           # events that enroll a contact
//	  if: { contact.status: prospect, contact.industry: [healthcare, legal] }
//	  reenroll: never                 # never (default) | after-exit | after-end
//	anchor: enrolled                  # what at: counts from: enrolled (default) | event
//	exit:
//	  on: [opportunity.won, contact.unsubscribed]
//	window:
//	  days: [mon, tue, wed, thu, fri] # default every day
//	  hours: "09:00-17:00"            # [start, end); default the whole day; end may be 24:00
//	  timezone: contact               # default contact; or an IANA zone
//	  fallback: America/Los_Angeles   # when the contact has no zone; default UTC
//	steps:
//	  - id: welcome
//	    at: 0d                        # from the anchor …
//	    email: { template: gi-welcome }
//	  - id: intro-call
//	    after: 3bd                    # … or from the previous step's due time
//	    call: { subject: "Intro call with {{.Contact.FirstName}}" }
//	then: industry-legal              # the track to move on to after the last step
//
// Each step has exactly one action: email {template, from, activity}, letter
// {template, activity}, call or task {assign (default owner), subject,
// notes, activity}. Subjects and notes are Go templates; their syntax is
// checked here, the functions they call by the templates package. The first
// step's after counts from the anchor, like at.
//
// enroll.if tests contact.FIELD (status, industry, lead_source, campaign,
// owner, city, region, country, title, company, time_zone, postal_code),
// contact.custom.NAME or event.item against a value or a list of values (any
// of them). Event names are those in Events; exit.on may not name manual.
//
// # Errors
//
// Unknown keys are errors, and so is every value that does not fit. [Parse]
// reports every problem in a file at once, as an [ErrorList] of [*Error],
// one per line as file:line:col: message, each saying what was expected.
// YAML syntax errors carry the line yaml.v3 reports and column 1. Checks
// across files (unique ids, then: targets and loops, templates) belong to
// [NewLibrary], [LoadDir], [LoadFiles] and [Default].
//
// # Durations
//
// A duration is a whole number and a unit: min, h, d, bd, w, mo or y, such
// as 0d, 90min, 3bd or 17mo; at most about 100 years. See [ParseDuration].
//
// # Time
//
// A track's arithmetic runs in one zone per contact, [Track.Location]: with a
// window, its fixed zone, or for timezone contact the contact's zone if it
// loads, else the fallback; without a window, the contact's zone, else UTC.
//
// min and h add absolute time. d, w, bd, mo and y move the calendar date in
// that zone and keep the local wall-clock time, so a 10:00 touch stays at
// 10:00 across a change to or from daylight saving time. A wall time that
// does not exist on the new date (clocks set forward) becomes the first
// instant after the gap: 02:30 becomes 03:00. A wall time that happens twice
// (clocks set back) is the earlier instant. mo and y clamp to the end of the
// month: Jan 31 + 1mo = Feb 28 (29 in a leap year), Jan 31 + 17mo = Jun 30 of
// the next year. N bd moves to the N'th day after the date that is one of
// window.days (Mon–Fri without a window), so a Friday or a Saturday + 1bd is
// the next Monday; zero of any unit does not move.
//
// A step's raw due time is the anchor + at, or the previous step's final due
// time + after. Its final due time, [Track.Due], is the first instant at or
// after that inside the window ([Window.Next]): on an allowed day within
// [start, end) local time. [Track.Plan] does this for every step.
//
// # Library
//
// The default library is embedded from library/*.yaml ([Default]); a folder
// given with --tracks replaces it ([LoadDir]). A [Library] answers which
// tracks an event enrolls on ([Library.EnrolledBy]) and finds tracks by id.
package tracks
