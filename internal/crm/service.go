package crm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/tracks"
)

// EventSink receives the CRM events the service's changes cause. The engine
// implements it.
type EventSink interface {
	HandleEvent(ctx context.Context, ev engine.Event) (engine.EventResult, error)
	// HandleEventIn handles the event inside the transaction that made the
	// change, so both commit or neither does.
	HandleEventIn(ctx context.Context, tx engine.Tx, ev engine.Event) (engine.EventResult, error)
	// HandleEventsIn handles many events inside one transaction, in a few
	// round trips; an event refused alone says so in its outcome.
	HandleEventsIn(ctx context.Context, tx engine.Tx, evs []engine.Event) ([]engine.EventOutcome, error)
}

// Clock tells the service what time it is (completed activities, My Day).
type Clock interface {
	Now() time.Time
}

// Options configures a Service. Zero fields take the documented defaults.
type Options struct {
	// Sink receives the events changes cause. Required.
	Sink EventSink
	// Clock is the time source; default the wall clock.
	Clock Clock
	// Logger logs imports; default discards.
	Logger *slog.Logger
	// Library is the track library the engine runs. It lets manual events be
	// checked for their track, and names the after-sale tracks whose
	// activities My Day shows as "after the sale reminders". Without it,
	// manual events are not checked and the track "after-sale" is the one.
	Library *tracks.Library
	// ImportBatch is how many rows of a contacts import are written, with
	// the events they cause, in one transaction; default 2,000.
	ImportBatch int
}

// Service is the CRM side's rules over a Store. It is safe for concurrent use.
type Service struct {
	store     Store
	sink      EventSink
	clock     Clock
	log       *slog.Logger
	library   *tracks.Library
	afterSale []string
	batch     int
}

// New returns the service keeping its rows in store.
func New(store Store, opts Options) (*Service, error) {
	if store == nil || opts.Sink == nil {
		return nil, errors.New("crm: a Store and a Sink are required")
	}
	s := &Service{store: store, sink: opts.Sink, clock: opts.Clock, log: opts.Logger,
		library: opts.Library, afterSale: afterSaleTracks(opts.Library), batch: opts.ImportBatch}
	if s.clock == nil {
		s.clock = wallClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.batch <= 0 {
		s.batch = 2000
	}
	return s, nil
}

// afterSaleTracks lists the ids of the library's after-sale tracks.
func afterSaleTracks(lib *tracks.Library) []string {
	if lib == nil {
		return []string{"after-sale"}
	}
	ids := []string{}
	for _, t := range lib.Tracks() {
		if t.Kind == tracks.KindAfterSale {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

// wallClock is the default Clock.
type wallClock struct{}

// Now returns the wall-clock time.
func (wallClock) Now() time.Time { return time.Now() }

// now reads the service's clock in UTC.
func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// emit hands one event to the sink, whose errors name the event.
func (s *Service) emit(ctx context.Context, ev engine.Event) (engine.EventResult, error) {
	return s.sink.HandleEvent(ctx, ev)
}

// emitIn hands an event to the sink inside the change's own transaction.
func (s *Service) emitIn(ctx context.Context, tx Tx, ev engine.Event) error {
	_, err := s.sink.HandleEventIn(ctx, tx.Engine(), ev)
	return err
}

// Ping checks that the store answers.
func (s *Service) Ping(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("ping the CRM store: %w", err)
	}
	return nil
}
