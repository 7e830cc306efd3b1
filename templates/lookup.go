package templates

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dripline/dripline/internal/suggest"
)

// Template names one template of a set.
type Template struct {
	Name string
	Kind Kind
}

func (t Template) String() string { return t.Name + " (" + string(t.Kind) + ")" }

// All lists every template of the set by name, an email before a letter of
// the same name.
func (s *Set) All() []Template {
	var all []Template
	for _, k := range []Kind{KindEmail, KindLetter} {
		for _, n := range s.Names(k) {
			all = append(all, Template{n, k})
		}
	}
	slices.SortStableFunc(all, func(a, b Template) int { return strings.Compare(a.Name, b.Name) })
	return all
}

// NotFoundError is a template name the set lacks, with the names it may
// have meant.
type NotFoundError struct {
	Name  string
	Kind  Kind       // the kind asked for; empty for either
	Close []Template // up to five, the likeliest first; empty when none is close
}

func (e *NotFoundError) Error() string {
	what := "email or letter"
	if e.Kind != "" {
		what = string(e.Kind)
	}
	msg := fmt.Sprintf("no %s template %q", what, e.Name)
	if len(e.Close) == 0 {
		return msg
	}
	names := make([]string, len(e.Close))
	for i, t := range e.Close {
		names[i] = t.String()
	}
	return msg + "; close names: " + strings.Join(names, ", ")
}

// Resolve says which kind of template name is: want when given, else email,
// else letter. both reports that name is an email and a letter and want was
// not given, so the email was chosen. A name the set lacks is a
// *NotFoundError.
func (s *Set) Resolve(name string, want Kind) (kind Kind, both bool, err error) {
	isEmail, isLetter := s.Has(KindEmail, name), s.Has(KindLetter, name)
	switch {
	case want != "" && s.Has(want, name):
		return want, false, nil
	case want != "":
	case isEmail:
		return KindEmail, isLetter, nil
	case isLetter:
		return KindLetter, false, nil
	}
	return "", false, &NotFoundError{Name: name, Kind: want, Close: s.closest(name)}
}

// closest lists up to five templates a mistyped name may have meant.
func (s *Set) closest(name string) []Template {
	all := s.All()
	names := make([]string, len(all))
	for i, t := range all {
		names[i] = t.Name
	}
	var out []Template
	for _, n := range suggest.Closest(name, slices.Compact(names), 5) {
		for _, t := range all {
			if t.Name == n && len(out) < 5 {
				out = append(out, t)
			}
		}
	}
	return out
}
