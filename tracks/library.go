package tracks

import (
	"cmp"
	"slices"
	"strings"
)

// Options tune how a library is checked.
type Options struct {
	// TemplateExists reports whether a template of the channel (email or
	// letter) exists under name. Nil: templates are not checked.
	TemplateExists func(ch Channel, name string) bool

	// CheckText checks the text of a call or task subject or notes, a Go
	// template, for example by rendering it against sample data, so that a
	// misspelled merge field is found before a touch falls due. Its error is
	// reported at the text's position. Nil: only the syntax is checked.
	CheckText func(text string) error
}

// Library is a checked set of tracks: ids are unique, every `then:` names a
// track of the library, chains through `then:` end, and (when checked) every
// template exists. A Library is read-only and safe for concurrent use.
type Library struct {
	tracks []*Track // sorted by id
	byID   map[string]*Track
}

// NewLibrary checks the tracks together and returns them as a library. On
// any problem it returns a nil Library and an ErrorList of every problem,
// each at its position (a repeated id at the later track's id).
func NewLibrary(ts []*Track, opts Options) (*Library, error) {
	l, errs := newLibrary(ts, opts, false)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	return l, nil
}

// newLibrary is NewLibrary; partial says some files of the library failed to
// parse, so a `then:` naming an unknown track may name one of those and is
// not reported.
func newLibrary(ts []*Track, opts Options, partial bool) (*Library, ErrorList) {
	var errs ErrorList
	l := &Library{byID: make(map[string]*Track, len(ts))}
	for _, t := range ts {
		if first, dup := l.byID[t.ID]; dup {
			errs.add(t.where(t.idPos), "id %q is already used by the track in %s: expected ids unique in the library", t.ID, first.where(first.idPos))
			continue
		}
		l.byID[t.ID] = t
		l.tracks = append(l.tracks, t)
	}
	slices.SortFunc(l.tracks, func(a, b *Track) int { return cmp.Compare(a.ID, b.ID) })
	l.checkThen(&errs, partial)
	if opts.TemplateExists != nil {
		l.checkTemplates(&errs, opts.TemplateExists)
	}
	if opts.CheckText != nil {
		l.checkTexts(&errs, opts.CheckText)
	}
	return l, errs
}

// where returns p, or the track's file when p is unknown (a track built in
// code rather than parsed).
func (t *Track) where(p Pos) Pos {
	if p.Line == 0 {
		return Pos{File: t.File}
	}
	return p
}

// checkThen reports `then:` targets that are not in the library and chains
// that loop, each loop once at the `then:` of its first track by id.
func (l *Library) checkThen(errs *ErrorList, partial bool) {
	const (
		unseen = iota
		onPath
		done
	)
	state := make(map[string]int, len(l.tracks))
	for _, t := range l.tracks {
		var path []string
		for cur := t; cur != nil && state[cur.ID] == unseen; cur = l.byID[cur.Then] {
			state[cur.ID] = onPath
			path = append(path, cur.ID)
			next, ok := l.byID[cur.Then]
			switch {
			case cur.Then != "" && !ok && !partial:
				errs.add(cur.where(cur.thenPos), "then: unknown track %q: expected the id of a track in the library", cur.Then)
			case ok && state[next.ID] == onPath:
				l.reportCycle(errs, path[slices.Index(path, next.ID):])
			}
		}
		for _, id := range path {
			state[id] = done
		}
	}
}

func (l *Library) reportCycle(errs *ErrorList, cycle []string) {
	first := slices.Index(cycle, slices.Min(cycle))
	cycle = slices.Concat(cycle[first:], cycle[:first], cycle[first:first+1])
	t := l.byID[cycle[0]]
	errs.add(t.where(t.thenPos), "then: tracks chain in a loop (%s): expected a chain that ends", strings.Join(cycle, " -> "))
}

func (l *Library) checkTemplates(errs *ErrorList, exists func(Channel, string) bool) {
	for _, t := range l.tracks {
		for _, s := range t.Steps {
			if s.Action.Template == "" || exists(s.Channel, s.Action.Template) {
				continue
			}
			errs.add(t.where(s.templatePos), "step %q: %s.template: unknown %s template %q: expected the name of an existing %s template",
				s.ID, s.Channel, s.Channel, s.Action.Template, s.Channel)
		}
	}
}

func (l *Library) checkTexts(errs *ErrorList, check func(string) error) {
	for _, t := range l.tracks {
		for _, s := range t.Steps {
			for _, f := range []struct {
				key, text string
				pos       Pos
			}{{"subject", s.Action.Subject, s.subjectPos}, {"notes", s.Action.Notes, s.notesPos}} {
				if f.text == "" {
					continue
				}
				if err := check(f.text); err != nil {
					errs.add(t.where(f.pos), "step %q: %s.%s: %v", s.ID, s.Channel, f.key, err)
				}
			}
		}
	}
}

// Track returns the track with the id.
func (l *Library) Track(id string) (*Track, bool) {
	t, ok := l.byID[id]
	return t, ok
}

// Tracks returns every track, sorted by id.
func (l *Library) Tracks() []*Track { return slices.Clone(l.tracks) }

// EnrolledBy returns the tracks whose enroll.on names event, sorted by id.
// Their enroll.if still has to hold for a given contact. A `manual` event
// enrolls on the one track it names whether or not that track lists it.
func (l *Library) EnrolledBy(event string) []*Track {
	var out []*Track
	for _, t := range l.tracks {
		if slices.Contains(t.Enroll.On, event) {
			out = append(out, t)
		}
	}
	return out
}
