package csvio

import (
	"io"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/tracks"
)

// EventRow is one good row of an events CSV.
type EventRow struct {
	Line    int    // where the row starts in the file
	Contact string // an external_id or email, for the caller to resolve
	Event   engine.Event
}

var (
	eventRequired = []string{"contact", "event", "at"}
	eventColumns  = []string{"contact", "event", "at", "track", "amount", "item"}
)

// ParseEvents reads an events CSV. It returns the good rows in file order
// (Event.ContactID left 0) and one *LineError per bad row, bad header or
// unreadable stretch.
func ParseEvents(file string, r io.Reader) ([]EventRow, []error) {
	var out []EventRow
	errs := ReadEvents(file, r, func(row EventRow) { out = append(out, row) })
	return out, errs
}

// ReadEvents reads an events CSV as ParseEvents does, but streams: it calls
// fn with each good row as soon as it is read and keeps none.
func ReadEvents(file string, r io.Reader, fn func(EventRow)) []error {
	rd, err := newReader(file, r)
	if err != nil {
		return []error{err}
	}
	if err := checkEventHeader(rd); err != nil {
		return []error{err}
	}
	return rd.each(func(rec []string) error {
		row, err := eventRow(rd.cols, rec)
		if err != nil {
			return err
		}
		row.Line = rd.line
		fn(row)
		return nil
	})
}

func checkEventHeader(rd *reader) error {
	for _, c := range rd.cols {
		if !slices.Contains(eventColumns, c) {
			return rd.errorf(rd.line, "header: unknown column %q: want %s", c, strings.Join(eventColumns, ", "))
		}
	}
	for _, c := range eventRequired {
		if !slices.Contains(rd.cols, c) {
			return rd.errorf(rd.line, "header: no %q column: want contact, event and at", c)
		}
	}
	return nil
}

// eventRow reads one record; the error lists every bad field.
func eventRow(cols, rec []string) (EventRow, error) {
	var row EventRow
	var bad problems
	var event, at string
	for i, v := range rec {
		switch cols[i] {
		case "contact":
			row.Contact = v
		case "event":
			event = v
		case "at":
			at = v
		case "track":
			row.Event.Track = v
		case "amount":
			row.Event.Amount = v
		case "item":
			row.Event.Item = v
		}
	}
	row.Event.Name = strings.ToLower(event)
	if row.Contact == "" {
		bad.addf("contact: empty: want an external_id or email")
	}
	switch {
	case row.Event.Name == "":
		bad.addf("event: empty: want an event name such as %s", tracks.EventSaleClosed)
	case !slices.Contains(tracks.Events, row.Event.Name):
		bad.addf("event %q: unknown: want one of %s", event, strings.Join(tracks.Events, ", "))
	case row.Event.Name == tracks.EventManual && row.Event.Track == "":
		bad.addf("event manual: want the track to enroll on in the track column")
	}
	t, err := time.Parse(time.RFC3339, at)
	switch {
	case at == "":
		bad.addf("at: empty: want an RFC 3339 time such as 2026-01-05T09:00:00Z")
	case err != nil:
		bad.addf("at %q: want an RFC 3339 time such as 2026-01-05T09:00:00Z", at)
	}
	if err == nil {
		if err := fieldcheck.Date("at", t); err != nil {
			bad.addf("at %q: %s", at, err.(*fieldcheck.Error).Msg)
		}
	}
	row.Event.At = t
	if a := row.Event.Amount; a != "" {
		if err := fieldcheck.Amount("amount", a); err != nil {
			bad.addf("amount %s", err.(*fieldcheck.Error).Msg)
		}
	}
	if err := fieldcheck.Lines("item", row.Event.Item, fieldcheck.MaxLine); err != nil {
		bad.addf("%v", err)
	}
	return row, bad.err()
}
