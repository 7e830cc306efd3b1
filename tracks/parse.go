package tracks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	trackKeys = []string{"id", "name", "kind", "description", "enroll", "anchor", "exit", "window", "steps", "then"}
	kinds     = []string{
		string(KindGeneralInterest), string(KindIndustry), string(KindValueAdd), string(KindEvent),
		string(KindLostSale), string(KindAfterSale), string(KindCustom),
	}
	anchors   = []string{string(AnchorEnrolled), string(AnchorEvent)}
	reenrolls = []string{string(ReenrollNever), string(ReenrollAfterExit), string(ReenrollAfterEnd)}
	statuses  = []string{"suspect", "prospect", "customer"}

	// contactFields are the contact.NAME fields enroll.if may test.
	contactFields = []string{
		"status", "industry", "lead_source", "campaign", "owner", "city", "region",
		"country", "title", "company", "time_zone", "postal_code",
	}
)

// Parse reads one track from the YAML src and checks everything that can be
// checked within the file. file names the source in error positions. On any
// problem Parse returns a nil Track and an ErrorList holding every problem
// found, each as file:line:col: message. Checks that need the other tracks
// (unique ids, then: targets, templates) are NewLibrary's.
func Parse(file string, src []byte) (*Track, error) {
	t, errs := parseTrack(file, src)
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// parseTrack is Parse returning the problems sorted by position.
func parseTrack(file string, src []byte) (*Track, ErrorList) {
	p := &parser{file: file}
	var t *Track
	if !p.checkSize(src) {
		return nil, p.errs
	}
	if root := p.document(src); root != nil {
		t = p.track(resolve(root))
	}
	if len(p.errs) > 0 {
		p.errs.sort()
		return nil, p.errs
	}
	sum := sha256.Sum256(src)
	t.File, t.Source, t.Hash = file, bytes.Clone(src), hex.EncodeToString(sum[:])
	return t, nil
}

func (p *parser) track(n *yaml.Node) *Track {
	m, ok := p.mapping(n, "track", trackKeys...)
	if !ok {
		if isNull(n) {
			p.errorf(n, "empty track: expected a mapping with keys %s", strings.Join(trackKeys, ", "))
		}
		return nil
	}
	t := &Track{
		Kind:   KindCustom,
		Anchor: AnchorEnrolled,
		Enroll: Enroll{Reenroll: ReenrollNever},
	}
	t.ID = p.required(m, n, "id", "track", "the track's id, such as general-interest")
	if p.ident(m["id"], "id", t.ID) {
		t.idPos = p.pos(m["id"])
	}
	t.Name = p.required(m, n, "name", "track", "the track's name for people, such as General Interest")
	if v, ok := m["kind"]; ok {
		t.Kind = Kind(p.oneOf(v, "kind", kinds))
	}
	if v, ok := m["description"]; ok {
		t.Description = p.str(v, "description")
	}
	if v, ok := m["enroll"]; ok {
		t.Enroll = p.enroll(v)
	}
	if v, ok := m["anchor"]; ok {
		t.Anchor = Anchor(p.oneOf(v, "anchor", anchors))
	}
	if v, ok := m["exit"]; ok {
		t.Exit = p.exit(v)
	}
	if v, ok := m["window"]; ok {
		t.Window = p.window(v)
	}
	if v, ok := m["steps"]; ok {
		t.Steps = p.steps(v)
		p.checkSpan(t)
	} else {
		p.errorf(n, "track: missing steps: expected a list of at least one step")
	}
	if v, ok := m["then"]; ok {
		t.Then = p.str(v, "then")
		if p.ident(v, "then", t.Then) {
			t.thenPos = p.pos(v)
		}
	}
	return t
}

func (p *parser) enroll(n *yaml.Node) Enroll {
	e := Enroll{Reenroll: ReenrollNever}
	m, _ := p.mapping(n, "enroll", "on", "if", "reenroll")
	if v, ok := m["on"]; ok {
		e.On = p.events(v, "enroll.on", false)
	}
	if v, ok := m["if"]; ok {
		e.If = p.conditions(v)
	}
	if v, ok := m["reenroll"]; ok {
		e.Reenroll = Reenroll(p.oneOf(v, "enroll.reenroll", reenrolls))
	}
	return e
}

func (p *parser) exit(n *yaml.Node) []string {
	m, _ := p.mapping(n, "exit", "on")
	if v, ok := m["on"]; ok {
		return p.events(v, "exit.on", true)
	}
	return nil
}

// events reads a list of event names. An exit list may not name `manual`,
// which only ever enrolls.
func (p *parser) events(n *yaml.Node, what string, exit bool) []string {
	names, nodes := p.names(n, what, "an event name")
	var out []string
	for i, name := range names {
		switch {
		case exit && name == EventManual:
			exits := slices.DeleteFunc(slices.Clone(Events), func(e string) bool { return e == EventManual })
			p.errorf(nodes[i], "%s: %q only enrolls and cannot end an enrollment: expected one of %s",
				what, name, strings.Join(exits, ", "))
		case !slices.Contains(Events, name):
			p.errorf(nodes[i], "%s: unknown event %q: expected one of %s", what, name, strings.Join(Events, ", "))
		case slices.Contains(out, name):
			p.errorf(nodes[i], "%s: event %q listed twice", what, name)
		default:
			out = append(out, name)
		}
	}
	return out
}

func (p *parser) conditions(n *yaml.Node) []Condition {
	if isNull(n) {
		return nil
	}
	entries, _ := p.pairs(n, "enroll.if", "a mapping of fields to values, such as { contact.status: prospect }")
	var out []Condition
	for _, e := range entries {
		field := e.key.Value
		if !conditionField(field) {
			p.errorf(e.key, "enroll.if: unknown field %q: expected contact.%s, contact.custom.NAME or event.item",
				field, strings.Join(contactFields, ", contact."))
			continue
		}
		what := "enroll.if." + field
		values, nodes := p.names(e.value, what, "a value")
		if empty(e.value) {
			p.errorf(e.value, "%s: expected a value or a list of values, found %s", what, describe(e.value))
		}
		if field == "contact.status" {
			for i, v := range values {
				if !slices.Contains(statuses, v) {
					p.errorf(nodes[i], "%s: unknown status %q: expected one of %s", what, v, strings.Join(statuses, ", "))
				}
			}
		}
		out = append(out, Condition{Field: field, Values: values})
	}
	return out
}

// conditionField reports whether enroll.if may test field.
func conditionField(field string) bool {
	if name, ok := strings.CutPrefix(field, "contact.custom."); ok {
		return name != ""
	}
	if name, ok := strings.CutPrefix(field, "contact."); ok {
		return slices.Contains(contactFields, name)
	}
	return field == "event.item"
}
