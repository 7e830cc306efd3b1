package tracks

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"text/template/parse"

	"gopkg.in/yaml.v3"
)

// stepKeys are the keys a step accepts: its timing and one key per channel.
var stepKeys = append([]string{"id", "at", "after"}, channelNames()...)

func (p *parser) steps(n *yaml.Node) []Step {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, "steps: expected a list of at least one step, found %s", describe(n))
		return nil
	}
	if len(n.Content) > MaxSteps {
		p.errorf(n, "steps: %d steps: expected at most %d", len(n.Content), MaxSteps)
		return nil
	}
	var out []Step
	firstLine := map[string]int{}
	for i, item := range n.Content {
		s, idNode := p.step(i, resolve(item))
		if line, dup := firstLine[s.ID]; dup && s.ID != "" {
			p.errorf(idNode, "step id %q repeated (first on line %d): expected ids unique in the track", s.ID, line)
		} else if s.ID != "" {
			firstLine[s.ID] = idNode.Line
		}
		out = append(out, s)
	}
	return out
}

// step reads the i'th step and returns it with the node of its id.
func (p *parser) step(i int, n *yaml.Node) (Step, *yaml.Node) {
	s := Step{Pos: p.pos(n)}
	label := stepLabel(i, n)
	m, ok := p.mapping(n, label, stepKeys...)
	if !ok {
		if isNull(n) {
			p.errorf(n, "%s is empty: expected a mapping with keys %s", label, strings.Join(stepKeys, ", "))
		}
		return s, n
	}
	s.ID = p.required(m, n, "id", label, "an id for the step, such as welcome")
	idNode := n
	if v, ok := m["id"]; ok {
		idNode = v
		p.ident(v, label+" id", s.ID)
	}
	p.timing(&s, n, m, label)
	p.action(&s, n, m, label)
	return s, idNode
}

// stepLabel names the i'th step in messages: by its id when that is a valid
// id, else by its number.
func stepLabel(i int, n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j], resolve(n.Content[j+1])
			if k.Value == "id" && v.Kind == yaml.ScalarNode && validID(v.Value) {
				return fmt.Sprintf("step %q", v.Value)
			}
		}
	}
	return fmt.Sprintf("step %d", i+1)
}

// timing reads exactly one of at and after.
func (p *parser) timing(s *Step, n *yaml.Node, m map[string]*yaml.Node, label string) {
	at, hasAt := m["at"]
	after, hasAfter := m["after"]
	switch {
	case hasAt && hasAfter:
		p.errorf(after, "%s: both at and after: expected exactly one of them", label)
	case hasAt:
		s.At = p.duration(at, label+" at")
	case hasAfter:
		s.After = p.duration(after, label+" after")
	default:
		p.errorf(n, "%s: missing at or after: expected at (an offset from the anchor) or after (an offset from the previous step)", label)
	}
}

func (p *parser) duration(n *yaml.Node, what string) *Duration {
	s := p.str(n, what)
	if n.Kind != yaml.ScalarNode {
		return nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.errorf(n, "%s: %v", what, err)
		return nil
	}
	return &d
}

// action reads the step's one action, keyed by a registered channel.
func (p *parser) action(s *Step, n *yaml.Node, m map[string]*yaml.Node, label string) {
	var found []string
	for _, spec := range registry {
		v, ok := m[string(spec.Name)]
		if !ok {
			continue
		}
		found = append(found, string(spec.Name))
		if len(found) > 1 {
			p.errorf(v, "%s: more than one action (%s): expected exactly one of %s", label, strings.Join(found, ", "), channelChoice())
			continue
		}
		s.Channel = spec.Name
		p.actionFields(s, spec, v, label)
	}
	if len(found) == 0 {
		p.errorf(n, "%s: missing action: expected one of %s", label, channelChoice())
	}
}

func (p *parser) actionFields(s *Step, spec ChannelSpec, n *yaml.Node, label string) {
	a := &s.Action
	ch := spec.Name
	what := label + " " + string(ch)
	keys := spec.Keys()
	m, ok := p.mapping(n, what, keys...)
	if !ok {
		if isNull(n) {
			p.errorf(n, "%s is empty: expected a mapping with keys %s", what, strings.Join(keys, ", "))
		}
		return
	}
	if v, ok := m["activity"]; ok {
		a.Activity = p.str(v, what+".activity")
	}
	if spec.Action == ActionTemplate {
		a.Template = p.required(m, n, "template", what, "the name of "+article(ch)+" template")
		s.templatePos = p.posOf(m["template"])
		if v, ok := m["from"]; ok {
			a.From = p.address(v, what+".from")
		}
		return
	}
	a.Assign = "owner"
	if v, ok := m["assign"]; ok {
		a.Assign = p.str(v, what+".assign")
		if a.Assign == "" {
			p.errorf(v, "%s.assign is empty: expected owner or a rep's username", what)
		}
	}
	a.Subject = p.required(m, n, "subject", what, "the subject of the "+string(ch))
	s.subjectPos = p.template(m["subject"], what+".subject", a.Subject)
	if v, ok := m["notes"]; ok {
		a.Notes = p.str(v, what+".notes")
		s.notesPos = p.template(v, what+".notes", a.Notes)
	}
}

// address checks an email from: address such as "Ann Lee <ann@example.com>".
func (p *parser) address(n *yaml.Node, what string) string {
	s := p.str(n, what)
	if _, err := mail.ParseAddress(s); n.Kind == yaml.ScalarNode && err != nil {
		p.errorf(n, "%s: %s is not an email address: expected one such as \"Ann Lee <ann@example.com>\"", what, describe(n))
	}
	return s
}

var templateErrPrefix = regexp.MustCompile(`^template: [^:]*:\d+: `)

// template checks that text parses as a Go template and returns the
// position of n. Functions are not checked: the templates package decides
// which exist.
func (p *parser) template(n *yaml.Node, what, text string) Pos {
	if n == nil {
		return Pos{}
	}
	tree := parse.New(what)
	tree.Mode = parse.SkipFuncCheck
	if _, err := tree.Parse(text, "", "", map[string]*parse.Tree{}); err != nil {
		p.errorf(n, "%s: not a valid template: %s: expected Go template syntax such as {{.Contact.FirstName}}",
			what, templateErrPrefix.ReplaceAllString(err.Error(), ""))
	}
	return p.pos(n)
}
