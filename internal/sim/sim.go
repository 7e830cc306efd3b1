// Package sim runs the real engine over contacts and events on a virtual
// clock, in memory, with nothing sent outside: what `dripline simulate` prints.
package sim

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/memstore"
	"github.com/dripline/dripline/internal/progress"
	"github.com/dripline/dripline/internal/report"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
	"golang.org/x/sync/errgroup"
)

// Options is one simulation's input.
type Options struct {
	Library   *tracks.Library
	Templates *templates.Set
	Business  templates.Business
	From      time.Time
	Until     time.Time
	Contacts  []engine.Contact // Owner names the rep by username; reps are created as needed
	Events    []csvio.EventRow // Contact is an external_id or an email of Contacts
	EventFile string           // for error messages
	// Progress counts the simulated days as they pass; nil draws nothing.
	Progress *progress.Bar
	// Workers is how many shards of the contacts run at once; 0 or less
	// means GOMAXPROCS. The output does not depend on it.
	Workers int
}

// Result is what a simulation produced.
type Result struct {
	// Touches lists every touch that reached an end state, ordered by due
	// time, then contact; touches still pending at Until are left out.
	Touches []report.Touch
	// Skipped holds a `file:line: message` error for each event row left out:
	// its contact is not in the contacts file, or it happens before From.
	Skipped []error
}

// Days is how many days a simulation from from to until counts in its
// progress: one for each UTC midnight it passes, and one for from.
func Days(from, until time.Time) int64 {
	n := int64(1)
	for y, m, d := from.UTC().Date(); ; n++ {
		next := time.Date(y, m, d+int(n), 0, 0, 0, 0, time.UTC)
		if next.After(until) {
			return n
		}
	}
}

// Run simulates from opts.From to opts.Until. Event rows it cannot place are
// reported in Result.Skipped and the rest run.
//
// Contacts touch each other only through an email address they share (an
// unsubscribe suppresses it for all of them) and, on the output, through a
// label they share, so Run splits them into shards that keep such contacts
// together and runs the shards, each with its own store, engine and virtual
// clock, Options.Workers at a time. Within a shard everything happens in
// the order one store would have it, so the merged output is the same.
func Run(ctx context.Context, opts Options) (Result, error) {
	if !opts.Until.After(opts.From) {
		return Result{}, fmt.Errorf("--until %s is not after --from %s", opts.Until.Format(time.RFC3339), opts.From.Format(time.RFC3339))
	}
	events, skipped := resolve(opts, refs(opts.Contacts))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rounds := max(1, (len(opts.Contacts)+workers*shardContacts-1)/(workers*shardContacts))
	shards := split(opts.Contacts, events, workers*rounds) // a multiple of workers: none idles at the end
	common := shared{
		reps:    owners(opts.Contacts),
		days:    &dayCount{bar: opts.Progress, shards: int64(len(shards))},
		renders: &successes{},
	}
	outs := make([][]report.Touch, len(shards))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, sh := range shards {
		g.Go(func() error {
			var err error
			outs[i], err = sh.run(gctx, opts, common)
			return err
		})
	}
	err := g.Wait()
	opts.Progress.Finish()
	if err != nil {
		return Result{}, err
	}
	return Result{Touches: merge(outs, workers), Skipped: skipped}, nil
}

// shardContacts is about how many contacts a shard holds when there are
// more than Workers shards: enough to make a shard's fixed cost small, few
// enough that the shards running hold little memory.
const shardContacts = 4096

// shared is what the shards of a run have in common.
type shared struct {
	reps    []string // every owner's username, each once
	days    *dayCount
	renders *successes
}

// run simulates the shard: its contacts, every rep (a step may assign any
// of them by name) and its events.
func (s shard) run(ctx context.Context, opts Options, common shared) ([]report.Touch, error) {
	store := memstore.New()
	repIDs := make(map[string]int64, len(common.reps))
	for _, name := range common.reps {
		repIDs[name] = store.AddRep(engine.Rep{Username: name, Name: name, Role: "sales"})
	}
	ids := make(map[int]int64, len(s.contacts))
	labels := make(map[int64]string, len(s.contacts))
	for _, i := range s.contacts {
		c := opts.Contacts[i]
		if c.Owner != "" {
			c.OwnerID = repIDs[c.Owner]
		}
		ids[i] = store.AddContact(c)
		labels[ids[i]] = report.Label(c)
	}
	for k := range s.events {
		s.events[k].ContactID = ids[int(s.events[k].ContactID)]
	}
	clk := clock.NewVirtual(opts.From)
	channels := engine.TaskChannels()
	channels[tracks.ChannelEmail] = renderOnly{set: opts.Templates, seen: common.renders}
	// The real letter channel: its letters wait in memory, printed by nobody.
	channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: opts.Templates}
	eng, err := engine.New(engine.Config{
		Store: store, Clock: clk, Library: opts.Library, Templates: opts.Templates,
		Channels: channels, Business: opts.Business, Simulated: true,
	})
	if err != nil {
		return nil, err
	}
	if _, err := eng.LoadLibrary(ctx); err != nil {
		return nil, err
	}
	if err := drive(ctx, eng, store, clk, s.events, opts.From, opts.Until, common.days.add); err != nil {
		return nil, err
	}
	return finished(store, labels), nil
}

// owners lists the contacts' owner usernames, each once, in order.
func owners(contacts []engine.Contact) []string {
	var names []string
	seen := map[string]bool{}
	for _, c := range contacts {
		if c.Owner != "" && !seen[c.Owner] {
			seen[c.Owner] = true
			names = append(names, c.Owner)
		}
	}
	return names
}

// refs maps each external_id and email to the index of the last contact
// that has it.
func refs(contacts []engine.Contact) map[string]int {
	out := make(map[string]int, 2*len(contacts))
	for i, c := range contacts {
		for _, ref := range []string{c.ExternalID, c.Email} {
			if ref != "" {
				out[ref] = i
			}
		}
	}
	return out
}

// resolve ties each event to its contact, whose index in opts.Contacts it
// puts in ContactID, and orders events by time; rows it cannot place come
// back as errors.
func resolve(opts Options, refs map[string]int) ([]engine.Event, []error) {
	var events []engine.Event
	var skipped []error
	for _, row := range opts.Events {
		i, ok := refs[row.Contact]
		if !ok {
			skipped = append(skipped, fmt.Errorf("%s:%d: unknown contact %q (not an external_id or email in the contacts file)", opts.EventFile, row.Line, row.Contact))
			continue
		}
		if row.Event.At.Before(opts.From) {
			skipped = append(skipped, fmt.Errorf("%s:%d: event at %s is before --from", opts.EventFile, row.Line, row.Event.At.Format(time.RFC3339)))
			continue
		}
		ev := row.Event
		ev.ContactID = int64(i)
		events = append(events, ev)
	}
	slices.SortStableFunc(events, func(a, b engine.Event) int { return a.At.Compare(b.At) })
	return events, skipped
}

// drive moves the clock from one event, birthday run or due touch to the
// next until the end. At the same instant events come first, so an exit
// cancels a touch due then; then birthdays, then touches.
//
// Birthdays are greeted as the daemon's hourly job does: a run at from,
// then one at each UTC midnight, sends contact.birthday to the contacts
// born that day, so birthday letters show in a trial run.
func drive(ctx context.Context, eng *engine.Engine, store *memstore.Store, clk *clock.Virtual, events []engine.Event, from, until time.Time, day func()) error {
	birthdays := from
	for {
		if err := ctx.Err(); err != nil { // canceled, or another shard failed
			return err
		}
		due, haveDue := store.NextDue()
		haveEvent := len(events) > 0 && !events[0].At.After(until)
		if !birthdays.After(until) && (!haveEvent || birthdays.Before(events[0].At)) && (!haveDue || !due.Before(birthdays)) {
			clk.Set(birthdays)
			if _, err := eng.Birthdays(ctx); err != nil {
				return err
			}
			y, m, d := birthdays.UTC().Date()
			birthdays = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
			day()
			continue
		}
		if haveEvent && (!haveDue || !due.Before(events[0].At)) {
			clk.Set(events[0].At)
			if _, err := eng.HandleEvent(ctx, events[0]); err != nil {
				return err
			}
			events = events[1:]
			continue
		}
		if !haveDue || due.After(until) {
			return nil
		}
		clk.Set(due)
		batch, err := store.QueueDue(ctx, due, due.Add(time.Nanosecond), 1<<20)
		if err != nil {
			return err
		}
		for _, t := range batch {
			if err := eng.Process(ctx, t.ID); err != nil {
				return fmt.Errorf("simulate touch %s/%s at %s: %w", t.TrackID, t.StepID, due.Format(time.RFC3339), err)
			}
		}
	}
}

// finished lists the touches that reached an end state, ordered by due
// time as printed (to the second), then contact, then creation.
func finished(store *memstore.Store, labels map[int64]string) []report.Touch {
	all := store.Touches()
	type line struct {
		due   int64 // Unix seconds: what the printed time shows
		label string
		t     *engine.Touch
	}
	lines := make([]line, 0, len(all))
	for i := range all {
		if t := &all[i]; t.State.Final() {
			lines = append(lines, line{t.Due.Unix(), labels[t.ContactID], t})
		}
	}
	slices.SortFunc(lines, func(a, b line) int {
		if a.due != b.due {
			return cmp.Compare(a.due, b.due)
		}
		if a.label != b.label {
			return strings.Compare(a.label, b.label)
		}
		return cmp.Compare(a.t.ID, b.t.ID)
	})
	out := make([]report.Touch, len(lines))
	dues := map[int64]string{} // touches share few due times: format each once
	for i, l := range lines {
		due, ok := dues[l.due]
		if !ok {
			due = report.FormatDue(l.t.Due)
			dues[l.due] = due
		}
		out[i] = report.Touch{
			Contact: l.label, Track: l.t.TrackID, Step: l.t.StepID, Channel: string(l.t.Channel),
			Due: due, Outcome: report.Outcome(l.t.State), Reason: l.t.Reason,
		}
	}
	return out
}
