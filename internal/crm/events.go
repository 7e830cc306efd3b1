package crm

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/tracks"
)

// EventFields is a CRM event as a user sends it.
type EventFields struct {
	Contact string  `json:"contact"` // a contact reference
	Event   string  `json:"event"`   // an event name (tracks.Events)
	At      string  `json:"at"`      // RFC 3339; default now
	Track   string  `json:"track"`   // the track a manual event enrolls on
	Amount  Decimal `json:"amount"`  // a plain decimal number, or empty
	Item    string  `json:"item"`
}

// SendEvent checks an event and hands it to the engine.
func (s *Service) SendEvent(ctx context.Context, a Actor, f EventFields) (engine.EventResult, error) {
	ev := engine.Event{Name: strings.TrimSpace(f.Event), Track: strings.TrimSpace(f.Track),
		Amount: strings.TrimSpace(string(f.Amount)), Item: strings.TrimSpace(f.Item)}
	if !slices.Contains(tracks.Events, ev.Name) {
		return engine.EventResult{}, invalid("event", "%q: want one of %s", ev.Name, strings.Join(tracks.Events, ", "))
	}
	if msg := s.checkTrack(ev); msg != "" {
		return engine.EventResult{}, invalid("track", "%s", msg)
	}
	if ev.Amount != "" {
		if err := checked(fieldcheck.Amount("amount", ev.Amount)); err != nil {
			return engine.EventResult{}, err
		}
	}
	if f.At != "" {
		at, err := time.Parse(time.RFC3339, f.At)
		if err != nil {
			return engine.EventResult{}, invalid("at", "%q: want an RFC 3339 time such as 2026-01-05T09:00:00Z", f.At)
		}
		ev.At = at.UTC()
		if err := checked(fieldcheck.Date("at", ev.At)); err != nil {
			return engine.EventResult{}, err
		}
	}
	if f.Contact == "" {
		return engine.EventResult{}, invalid("contact", "is required")
	}
	id, err := s.ContactID(ctx, a, f.Contact)
	if err != nil {
		return engine.EventResult{}, err
	}
	ev.ContactID = id
	return s.emit(ctx, ev)
}

// checkTrack says what is wrong with a manual event's track, or "".
func (s *Service) checkTrack(ev engine.Event) string {
	if ev.Name != tracks.EventManual {
		return ""
	}
	if ev.Track == "" {
		return "a manual event needs a track"
	}
	if s.library != nil {
		if _, ok := s.library.Track(ev.Track); !ok {
			return fmt.Sprintf("unknown track %q", ev.Track)
		}
	}
	return ""
}

// ImportEvents reads an events CSV (the format DESIGN.md fixes) and hands
// each good row to the engine as an event dated at its `at`, one contact's
// events in file order. A row naming no known contact is reported as
// `file:line: unknown contact "x"`, a manual row naming a track the library
// lacks as `file:line: unknown track "x"`; the other rows go in.
func (s *Service) ImportEvents(ctx context.Context, a Actor, file string, r io.Reader) (ImportResult, error) {
	if err := Allow(a, ImportFiles); err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", file, err)
	}
	rows, errs := csvio.ParseEvents(file, r)
	res := ImportResult{Errors: errs}
	refs := make([]string, 0, len(rows))
	for _, row := range rows {
		refs = append(refs, row.Contact)
	}
	ids, err := s.resolve(ctx, s.store, a, refs)
	if err != nil {
		return res, fmt.Errorf("import %s: %w", file, err)
	}
	jobs := make([]eventJob, 0, len(rows))
	for _, row := range rows {
		id, ok := ids[row.Contact]
		msg := s.checkTrack(row.Event)
		if !ok {
			msg = fmt.Sprintf("unknown contact %q", row.Contact)
		}
		if msg != "" {
			res.Errors = append(res.Errors, &csvio.LineError{File: file, Line: row.Line, Msg: msg})
			continue
		}
		row.Event.ContactID = id
		jobs = append(jobs, eventJob{line: row.Line, ev: row.Event})
	}
	err = s.dispatch(ctx, file, jobs, &res)
	sortByLine(res.Errors)
	if err != nil {
		return res, fmt.Errorf("import %s: %w", file, err)
	}
	s.log.Info("events imported", "file", file, "events", res.Events, "enrolled", res.Enrolled,
		"exited", res.Exited, "bad_rows", len(res.Errors))
	return res, nil
}
