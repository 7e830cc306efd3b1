package crm

import (
	"cmp"
	"errors"
	"slices"

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
