package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// Config wires an Engine. Zero durations and sizes take the documented defaults.
type Config struct {
	Store     Store
	Queue     Queue // nil when touches are run directly (simulate)
	Clock     Clock
	Logger    *slog.Logger
	Library   *tracks.Library
	Templates *templates.Set
	Channels  map[tracks.Channel]Channel
	Business  templates.Business
	Observer  Observer // hears every touch's final outcome after it commits; nil: nobody

	Horizon time.Duration // how far ahead the scheduler queues touches; default 5m
	// Lease is how long a claim holds without renewal: a worker renews it
	// every third of it while a channel delivers, so it only runs out when the
	// worker died; another may then take the touch. Default 2m.
	Lease       time.Duration
	StaleQueued time.Duration // queued this long past due counts as lost from Redis; default 2m
	MaxAttempts int           // tries before a touch fails; default 8
	BatchSize   int           // touches per scheduler round trip; default 1000
	// LateAfter: a touch already this far overdue when it is scheduled (an old
	// sale date, say) or when a worker picks it up (the daemon was down, a
	// backlog built up) is skipped with "late: …" rather than sent out of
	// season; default 72h.
	LateAfter time.Duration
	// Simulated says the engine runs a simulation (dripline simulate): one
	// touch at a time over a store in memory, on a clock that stands still
	// while a touch is carried out. No claim can then run out and no
	// database hang, so it renews no leases, puts no deadline on finishing
	// touches, and claims and finishes each touch on its own, there being
	// nothing to batch.
	Simulated bool
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Horizon <= 0 {
		c.Horizon = 5 * time.Minute
	}
	if c.Lease <= 0 {
		c.Lease = 2 * time.Minute
	}
	if c.StaleQueued <= 0 {
		c.StaleQueued = 2 * time.Minute
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 1000
	}
	if c.LateAfter <= 0 {
		c.LateAfter = 72 * time.Hour
	}
}

// Engine enrolls contacts on tracks, schedules their touches and carries them out.
type Engine struct {
	cfg Config
	log *slog.Logger

	claims    *batcher[claimRequest, claimed] // see claim
	completes *batcher[*finishing, bool]      // see complete

	mu       sync.RWMutex
	current  map[string]int               // track id → version new enrollments use
	versions map[versionKey]*tracks.Track // parsed stored versions
}

type versionKey struct {
	id      string
	version int
}

// New returns an engine. Call LoadLibrary before handling events.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Clock == nil || cfg.Library == nil || cfg.Templates == nil {
		return nil, fmt.Errorf("engine: Store, Clock, Library and Templates are required")
	}
	cfg.setDefaults()
	e := &Engine{
		cfg:      cfg,
		log:      cfg.Logger,
		current:  map[string]int{},
		versions: map[versionKey]*tracks.Track{},
	}
	e.claims = newBatcher(maxBatch, e.claimAll)
	e.completes = newBatcher(maxBatch, e.finishAll)
	return e, nil
}

// TrackChange reports the outcome of storing one track of the library.
type TrackChange struct {
	Track      string
	Version    int
	StillOnOld int // open enrollments that stay on earlier versions
}

// LoadLibrary stores every track of the library as a version (a changed track
// gets a new one) and makes those versions the ones new enrollments use.
// Enrollments already running stay on their version.
func (e *Engine) LoadLibrary(ctx context.Context) ([]TrackChange, error) {
	if err := e.checkActivities(ctx); err != nil {
		return nil, err
	}
	var changes []TrackChange
	for _, t := range e.cfg.Library.Tracks() {
		v, old, err := e.cfg.Store.SaveTrack(ctx, t.ID, t.Hash, t.Source, t.File)
		if err != nil {
			return nil, fmt.Errorf("load track %s: %w", t.ID, err)
		}
		e.mu.Lock()
		e.current[t.ID] = v
		e.versions[versionKey{t.ID, v}] = t
		e.mu.Unlock()
		changes = append(changes, TrackChange{Track: t.ID, Version: v, StillOnOld: old})
	}
	return changes, nil
}

// checkActivities refuses a library whose steps name an activity type the
// store does not know, before any touch could fail on it.
func (e *Engine) checkActivities(ctx context.Context) error {
	types, err := e.cfg.Store.ActivityTypes(ctx)
	if err != nil || types == nil {
		return err
	}
	known := make(map[string]bool, len(types))
	for _, t := range types {
		known[strings.ToLower(t.Name)] = true
	}
	var errs []error
	for _, t := range e.cfg.Library.Tracks() {
		for _, s := range t.Steps {
			if name := defaultActivity(s); !known[strings.ToLower(name)] {
				errs = append(errs, fmt.Errorf("%s: step %s: unknown activity type %q", s.Pos, s.ID, name))
			}
		}
	}
	return errors.Join(errs...)
}

// currentTrack returns the library track and the version new enrollments use.
func (e *Engine) currentTrack(id string) (*tracks.Track, int, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	v, ok := e.current[id]
	if !ok {
		return nil, 0, fmt.Errorf("track %q: %w", id, ErrNotFound)
	}
	return e.versions[versionKey{id, v}], v, nil
}

// trackVersion returns the definition of a stored track version, parsing it
// from the store the first time it is needed.
func (e *Engine) trackVersion(ctx context.Context, from TrackSources, id string, version int) (*tracks.Track, error) {
	key := versionKey{id, version}
	e.mu.RLock()
	t, ok := e.versions[key]
	e.mu.RUnlock()
	if ok {
		return t, nil
	}
	src, file, err := from.TrackSource(ctx, id, version)
	if err != nil {
		return nil, fmt.Errorf("track %s v%d: %w", id, version, err)
	}
	t, err = tracks.Parse(file, src)
	if err != nil {
		return nil, fmt.Errorf("track %s v%d: %w", id, version, err)
	}
	e.mu.Lock()
	e.versions[key] = t
	e.mu.Unlock()
	return t, nil
}

// now reads the engine's clock.
func (e *Engine) now() time.Time { return e.cfg.Clock.Now().UTC() }
