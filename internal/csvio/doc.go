// Package csvio reads the contacts and events CSV files that `dripline
// contacts import`, `dripline events import` and `dripline simulate` take
// (their format is normative in DESIGN.md). It only parses: it reads an
// io.Reader and touches no database.
//
// # Errors
//
// Every problem is a [*LineError] printed as file:line: message, where line is
// the line of the file the record starts on (the header is line 1; a quoted
// field may span lines). A bad row is reported, naming its column, and left
// out; the other rows are returned. A bad header, or CSV that cannot be split
// into records (a stray or unclosed quote), stops the parse with one error at
// its line: the rows before it are returned.
//
// Values are trimmed of surrounding spaces, a UTF-8 byte order mark before
// the header is ignored, and rows whose fields are all empty are skipped.
//
// # Contacts
//
// Column names are case-insensitive and may come in any order; the header
// needs email or external_id, and each row a value in one of them. The known
// columns fill [engine.Contact]: status is suspect, prospect or customer
// (prospect when empty), time_zone an IANA zone name, birthday YYYY-MM-DD,
// email a bare address. An external_id may appear once per file. Any other
// column is kept, under its lower-case name, in Contact.Custom.
//
// # Events
//
// The header has contact, event and at, and may have track, amount and item;
// other columns are refused. contact is an external_id or email the caller
// resolves; event one of tracks.Events (manual needs a track); at an RFC 3339
// time; amount, when present, a plain decimal number.
package csvio
