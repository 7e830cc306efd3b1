// Package sim runs the real engine over contacts and events on a virtual
// clock, in memory, with nothing sent outside: what `dripline simulate` prints.
package sim

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/csvio"
	"github.com/dripline/dripline/internal/memstore"
	"github.com/dripline/dripline/internal/progress"
	"github.com/dripline/dripline/internal/report"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
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
func Run(ctx context.Context, opts Options) (Result, error) {
	if !opts.Until.After(opts.From) {
		return Result{}, fmt.Errorf("--until %s is not after --from %s", opts.Until.Format(time.RFC3339), opts.From.Format(time.RFC3339))
	}
	store := memstore.New()
	labels, refs := load(store, opts.Contacts)
	events, skipped := resolve(opts, refs)
	clk := clock.NewVirtual(opts.From)
	channels := engine.TaskChannels()
	channels[tracks.ChannelEmail] = renderOnly{set: opts.Templates}
	// The real letter channel: its letters wait in memory, printed by nobody.
	channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: opts.Templates}
	eng, err := engine.New(engine.Config{
		Store: store, Clock: clk, Library: opts.Library, Templates: opts.Templates,
		Channels: channels, Business: opts.Business,
	})
	if err != nil {
		return Result{}, err
	}
	if _, err := eng.LoadLibrary(ctx); err != nil {
		return Result{}, err
	}
	err = drive(ctx, eng, store, clk, events, opts)
	opts.Progress.Finish()
	if err != nil {
		return Result{}, err
	}
	return Result{Touches: finished(store, labels), Skipped: skipped}, nil
}

// load stores the contacts and their owner reps. It returns each contact's
// output label (external_id, else email) and the ids by reference.
func load(store *memstore.Store, contacts []engine.Contact) (map[int64]string, map[string]int64) {
	reps := map[string]int64{}
	labels := map[int64]string{}
	refs := map[string]int64{}
	for _, c := range contacts {
		if c.Owner != "" {
			if _, ok := reps[c.Owner]; !ok {
				reps[c.Owner] = store.AddRep(engine.Rep{Username: c.Owner, Name: c.Owner, Role: "sales"})
			}
			c.OwnerID = reps[c.Owner]
		}
		id := store.AddContact(c)
		labels[id] = report.Label(c)
		for _, ref := range []string{c.ExternalID, c.Email} {
			if ref != "" {
				refs[ref] = id
			}
		}
	}
	return labels, refs
}

// resolve ties each event to its contact and orders events by time; rows it
// cannot place come back as errors.
func resolve(opts Options, refs map[string]int64) ([]engine.Event, []error) {
	var events []engine.Event
	var skipped []error
	for _, row := range opts.Events {
		id, ok := refs[row.Contact]
		if !ok {
			skipped = append(skipped, fmt.Errorf("%s:%d: unknown contact %q (not an external_id or email in the contacts file)", opts.EventFile, row.Line, row.Contact))
			continue
		}
		if row.Event.At.Before(opts.From) {
			skipped = append(skipped, fmt.Errorf("%s:%d: event at %s is before --from", opts.EventFile, row.Line, row.Event.At.Format(time.RFC3339)))
			continue
		}
		ev := row.Event
		ev.ContactID = id
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
func drive(ctx context.Context, eng *engine.Engine, store *memstore.Store, clk *clock.Virtual, events []engine.Event, opts Options) error {
	from, until := opts.From, opts.Until
	birthdays := from
	for {
		due, haveDue := store.NextDue()
		haveEvent := len(events) > 0 && !events[0].At.After(until)
		if !birthdays.After(until) && (!haveEvent || birthdays.Before(events[0].At)) && (!haveDue || !due.Before(birthdays)) {
			clk.Set(birthdays)
			if _, err := eng.Birthdays(ctx); err != nil {
				return err
			}
			y, m, d := birthdays.UTC().Date()
			birthdays = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
			opts.Progress.Add(1)
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

// finished lists the touches that reached an end state.
func finished(store *memstore.Store, labels map[int64]string) []report.Touch {
	var out []report.Touch
	for _, t := range store.Touches() {
		if !t.State.Final() {
			continue
		}
		out = append(out, report.Touch{
			Contact: labels[t.ContactID], Track: t.TrackID, Step: t.StepID,
			Channel: string(t.Channel), Due: report.FormatDue(t.Due),
			Outcome: report.Outcome(t.State), Reason: t.Reason,
		})
	}
	slices.SortStableFunc(out, func(a, b report.Touch) int {
		return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.Contact, b.Contact))
	})
	return out
}
