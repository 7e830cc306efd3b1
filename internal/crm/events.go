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
// lacks as `file:line: unknown track "x"`; the other rows go in. The file
// streams: a batch of rows (Options.ImportBatch) at a time is handed to the
// engine in one transaction (EventSink.HandleEventsIn). When a batch fails,
// the batches before it stay in and the error is returned with their counts.
func (s *Service) ImportEvents(ctx context.Context, a Actor, file string, r io.Reader) (ImportResult, error) {
	if err := Allow(a, ImportFiles); err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", file, err)
	}
	var (
		res    ImportResult
		failed error
		rows   []csvio.EventRow
	)
	errs := csvio.ReadEvents(file, stopReader{r, &failed}, func(row csvio.EventRow) {
		if failed != nil {
			return
		}
		rows = append(rows, row)
		if len(rows) == s.batch {
			failed = s.importEvents(ctx, a, file, rows, &res)
			rows = rows[:0]
		}
	})
	if failed == nil {
		failed = s.importEvents(ctx, a, file, rows, &res)
	}
	if failed != nil {
		return res, fmt.Errorf("import %s: %w", file, failed)
	}
	res.Errors = append(errs, res.Errors...)
	sortByLine(res.Errors)
	res.Errors = csvio.Limit(res.Errors)
	s.log.Info("events imported", "file", file, "events", res.Events, "enrolled", res.Enrolled,
		"exited", res.Exited, "bad_rows", csvio.Count(res.Errors))
	return res, nil
}

// importEvents resolves a batch of rows' contacts and hands their events to
// the engine in one transaction; rows naming no contact or no track, and
// events the engine refuses alone, are row errors in res.
func (s *Service) importEvents(ctx context.Context, a Actor, file string, rows []csvio.EventRow, res *ImportResult) error {
	if len(rows) == 0 {
		return nil
	}
	refs := make([]string, 0, len(rows))
	for _, row := range rows {
		refs = append(refs, row.Contact)
	}
	ids, err := s.resolve(ctx, s.store, a, refs)
	if err != nil {
		return err
	}
	var out ImportResult
	evs, lines := make([]engine.Event, 0, len(rows)), make([]int, 0, len(rows))
	for _, row := range rows {
		id, ok := ids[row.Contact]
		msg := s.checkTrack(row.Event)
		if !ok {
			msg = fmt.Sprintf("unknown contact %q", row.Contact)
		}
		if msg != "" {
			out.Errors = append(out.Errors, &csvio.LineError{File: file, Line: row.Line, Msg: msg})
			continue
		}
		row.Event.ContactID = id
		evs, lines = append(evs, row.Event), append(lines, row.Line)
	}
	err = s.store.Tx(ctx, func(tx Tx) error {
		outs, err := s.sink.HandleEventsIn(ctx, tx.Engine(), evs)
		for i, o := range outs {
			if o.Refused != nil {
				out.Errors = append(out.Errors, &csvio.LineError{File: file, Line: lines[i], Msg: o.Refused.Error()})
				continue
			}
			out.count(o.EventResult)
		}
		return err
	})
	if err != nil {
		return err
	}
	sortByLine(out.Errors)
	res.add(out)
	if len(res.Errors) > 2*csvio.MaxErrors { // keep memory bounded however many rows are bad
		res.Errors = csvio.Limit(res.Errors)
	}
	return nil
}
