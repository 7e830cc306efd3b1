package crm

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/csvio"
)

// ImportResult is what an import did. Errors holds one `file:line: message`
// error per bad row, in line order; those rows changed nothing.
type ImportResult struct {
	Created   int // contacts added
	Updated   int // contacts changed
	Unchanged int // contacts already as the file has them
	Events    int // events handed to the engine
	Enrolled  int // enrollments those events made
	Exited    int // enrollments those events ended
	Errors    []error
}

// add adds another part's counts to r.
func (r *ImportResult) add(o ImportResult) {
	r.Created += o.Created
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.Events += o.Events
	r.Enrolled += o.Enrolled
	r.Exited += o.Exited
	r.Errors = append(r.Errors, o.Errors...)
}

// count counts one event the sink handled.
func (r *ImportResult) count(er engine.EventResult) {
	r.Events++
	r.Enrolled += len(er.Enrolled)
	r.Exited += len(er.Exited)
}

// eventJob is one event an import hands to the sink, with the file line it
// comes from (0 when it has none).
type eventJob struct {
	line int
	ev   engine.Event
}

// dispatch hands events to the sink, s.workers at a time; one contact's
// events go in order, through one worker. When a job has a line, an event the
// engine refuses for what it says (wrapping engine.ErrNotFound or
// engine.ErrConflict, such as a manual event naming an unknown track) becomes
// that row's error; any other failure stops the dispatch and is returned.
func (s *Service) dispatch(ctx context.Context, file string, jobs []eventJob, res *ImportResult) error {
	n := min(s.workers, len(jobs))
	if n == 0 {
		return nil
	}
	parts := make([][]eventJob, n)
	for _, j := range jobs {
		k := int(uint64(j.ev.ContactID) % uint64(n))
		parts[k] = append(parts[k], j)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	outs := make([]ImportResult, n)
	fatal := make([]error, n)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			fatal[i] = s.dispatchPart(ctx, file, parts[i], &outs[i])
			if fatal[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	for _, o := range outs {
		res.add(o)
	}
	for _, err := range fatal {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err // the others stopped because of this one
		}
	}
	return errors.Join(fatal...)
}

// dispatchPart hands one worker's events to the sink in order.
func (s *Service) dispatchPart(ctx context.Context, file string, jobs []eventJob, out *ImportResult) error {
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := s.emit(ctx, j.ev)
		if err != nil && j.line > 0 && ctx.Err() == nil &&
			(errors.Is(err, engine.ErrNotFound) || errors.Is(err, engine.ErrConflict)) {
			out.Errors = append(out.Errors, &csvio.LineError{File: file, Line: j.line, Msg: err.Error()})
			continue
		}
		if err != nil {
			return err
		}
		out.count(r)
	}
	return nil
}

// sortByLine orders errors by their line; errors without one go first.
func sortByLine(errs []error) {
	line := func(err error) int {
		var le *csvio.LineError
		if errors.As(err, &le) {
			return le.Line
		}
		return 0
	}
	slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(line(a), line(b)) })
}
