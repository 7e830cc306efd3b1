// Package templates holds Dripline's email and letter templates: the files
// marketing writes, the merge data the engine fills in, and rendering with
// text/template and html/template. The default templates, sample copy for a
// dealer or managed-service provider, are embedded from templates/default.
//
// # Files
//
// A template is one or more files in a folder, named after the template:
//
//	NAME.subject.tmpl   email subject (text/template), must render to one line
//	NAME.txt.tmpl       email plain-text part (text/template), required
//	NAME.html.tmpl      email HTML part (html/template), optional
//	NAME.letter.tmpl    printed letter body (text/template)
//
// NAME is lowercase letters, digits, - and _. Files not ending in .tmpl are
// ignored, so templates can sit beside track YAML. [Load] adds a folder to
// the defaults; a template there replaces the default of the same kind and
// name as a whole (all of an email's files, not one of them).
//
// A letter template is the letter from the salutation to its last paragraph;
// the letters package prints the letterhead, date and address block before it
// and the closing and the rep's signature after it.
//
// # Merge fields
//
// Templates use Go template syntax on a [Data] value:
//
//	.Contact.FirstName .Contact.LastName .Contact.Email .Contact.Company
//	.Contact.Title .Contact.Phone .Contact.Street .Contact.City
//	.Contact.Region .Contact.PostalCode .Contact.Country
//	.Contact.Custom      extra contact fields: {{index .Contact.Custom "seats"}}
//	.Rep.Name .Rep.Email .Rep.Phone .Rep.Title .Rep.Signature
//	.Business.Name .Business.Address .Business.Phone .Business.Website
//	.Track.ID .Track.Name .Step
//	.Event.Name .Event.Date .Event.Item .Event.Amount
//	.UnsubscribeURL      emails only; empty in letters
//
// Any field may be empty for a given contact; {{or .Contact.FirstName "there"}}
// gives a fallback. Templates run with missingkey=error: a field that does not
// exist is an error, never a silent "<no value>". For custom fields use
// index, which gives "" when a contact lacks the field.
//
// # Checks at load time
//
// [Default] and [Load] parse every template and execute it twice, against
// [Sample] and against empty Data, so a typo in a merge field, a bad
// function call, a subject that spans lines or renders empty, or an email
// without a plain-text part is reported when the templates load, naming the
// file and line, rather than when a touch is sent. Load reports every problem
// at once and returns no set when there is any.
//
// Templates are straight-line: text, actions, if, with, else, variables and
// the builtin functions. range, define, block and template are refused, so
// rendering time is bounded by a template's size (merge data has nothing to
// loop over anyway), and output is capped at [MaxOutput] bytes.
//
// # Escaping and headers
//
// HTML parts use html/template, so contact data is escaped for its context
// (a FirstName of <script> stays text). Text parts and letters are plain text
// and keep data as it is. A rendered subject is trimmed and refused when it
// holds a line break or other control character, so no contact data can
// inject a mail header.
package templates
