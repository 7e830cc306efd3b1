package tracks

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dripline/dripline/internal/suggest"
)

// parser walks the YAML node tree of one file and collects every problem.
type parser struct {
	file string
	errs ErrorList
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Col: n.Column} }

// posOf returns the position of n, or the zero Pos for nil.
func (p *parser) posOf(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return p.pos(n)
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs.add(p.pos(n), format, args...)
}

// document decodes src and returns its root node, or nil after reporting why
// there is none; yamlErrorPos places a syntax error.
func (p *parser) document(src []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc, extra yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && len(doc.Content) == 0 {
		p.errs.add(Pos{p.file, 1, 1}, "empty file: expected a track with id, name and steps")
		return nil
	}
	if err == nil {
		err = dec.Decode(&extra)
		if err == nil {
			p.errorf(&extra, "a second YAML document: expected one track per file")
			return nil
		}
		if errors.Is(err, io.EOF) {
			return doc.Content[0]
		}
	}
	line, col, msg := yamlErrorPos(src, err)
	p.errs.add(Pos{p.file, line, col}, "invalid YAML: %s", msg)
	return nil
}

// resolve follows an alias (*name) to the node it stands for.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// empty reports whether n is null or an empty list.
func empty(n *yaml.Node) bool {
	return isNull(n) || n.Kind == yaml.SequenceNode && len(n.Content) == 0
}

// describe names what a node holds, for "found …" in messages.
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode && len(n.Content) == 0:
		return "an empty list"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind != yaml.ScalarNode || isNull(n):
		return "nothing"
	}
	if r := []rune(n.Value); len(r) > 40 {
		return strconv.Quote(string(r[:37]) + "...")
	}
	return strconv.Quote(n.Value)
}

// pair is one key and its value in a mapping.
type pair struct{ key, value *yaml.Node }

// pairs returns the entries of the mapping n, reporting keys that are not
// plain names or that repeat. what names the mapping in messages.
func (p *parser) pairs(n *yaml.Node, what, expected string) ([]pair, bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: expected %s, found %s", what, expected, describe(n))
		return nil, false
	}
	var out []pair
	first := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		switch prev, dup := first[k.Value]; {
		case k.Kind != yaml.ScalarNode:
			p.errorf(k, "%s: expected a key name, found %s", what, describe(k))
		case dup:
			p.errorf(k, "%s: key %q repeated (first on line %d)", what, k.Value, prev.Line)
		default:
			first[k.Value] = k
			out = append(out, pair{k, v})
		}
	}
	return out, true
}

// mapping returns the values of the mapping n by key, reporting keys not in
// keys. A null value (`window: ~`) counts as an absent mapping: nil, false.
func (p *parser) mapping(n *yaml.Node, what string, keys ...string) (map[string]*yaml.Node, bool) {
	if isNull(n) {
		return nil, false
	}
	expected := "a mapping with keys " + strings.Join(keys, ", ")
	entries, ok := p.pairs(n, what, expected)
	m := make(map[string]*yaml.Node, len(entries))
	for _, e := range entries {
		if !slices.Contains(keys, e.key.Value) {
			p.errorf(e.key, "unknown key %q in %s: %sexpected one of %s", e.key.Value, what, didYouMean(e.key.Value, keys), strings.Join(keys, ", "))
			continue
		}
		m[e.key.Value] = e.value
	}
	return m, ok
}

// str returns the text of a scalar; null gives "".
func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s: expected a string, found %s", what, describe(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return n.Value
}

// required returns the non-empty string m[key] of the mapping parent, which
// what names, reporting at parent when the key is missing and at the value
// when it is empty.
func (p *parser) required(m map[string]*yaml.Node, parent *yaml.Node, key, what, expected string) string {
	v, ok := m[key]
	if !ok {
		p.errorf(parent, "%s: missing %s: expected %s", what, key, expected)
		return ""
	}
	s := p.str(v, what+" "+key)
	if s == "" && v.Kind == yaml.ScalarNode {
		p.errorf(v, "%s: %s is empty: expected %s", what, key, expected)
	}
	return s
}

// oneOf returns the scalar n when it is one of allowed.
func (p *parser) oneOf(n *yaml.Node, what string, allowed []string) string {
	s := p.str(n, what)
	if n.Kind == yaml.ScalarNode && !slices.Contains(allowed, s) {
		p.errorf(n, "%s: unknown value %s: expected one of %s", what, describe(n), strings.Join(allowed, ", "))
		return ""
	}
	return s
}

// list returns the items of a list. A single scalar counts as a one-item
// list and null as an empty one.
func (p *parser) list(n *yaml.Node, what, expected string) []*yaml.Node {
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		return []*yaml.Node{n}
	case n.Kind != yaml.SequenceNode:
		p.errorf(n, "%s: expected %s, found %s", what, expected, describe(n))
		return nil
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, item := range n.Content {
		items[i] = resolve(item)
	}
	return items
}

// names returns a list of non-empty strings and their nodes, reporting other
// items. item names one of them in messages, such as "an event name".
func (p *parser) names(n *yaml.Node, what, item string) ([]string, []*yaml.Node) {
	var out []string
	var nodes []*yaml.Node
	for _, v := range p.list(n, what, item+" or a list of them") {
		if v.Kind != yaml.ScalarNode || isNull(v) || v.Value == "" {
			p.errorf(v, "%s: expected %s, found %s", what, item, describe(v))
			continue
		}
		out = append(out, v.Value)
		nodes = append(nodes, v)
	}
	return out, nodes
}

// ident reports whether s, the value of n, is a valid id, reporting it
// when it is not empty and not valid.
func (p *parser) ident(n *yaml.Node, what, s string) bool {
	if s != "" && !validID(s) {
		p.errorf(n, "%s %s is not an id: expected lowercase letters, digits and dashes ([a-z0-9-]+)", what, describe(n))
	}
	return validID(s)
}

// validID reports whether s matches [a-z0-9-]+.
func validID(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// didYouMean returns "did you mean KEY? " for the key a typo most likely
// meant, or "".
func didYouMean(typo string, keys []string) string {
	if k := suggest.Closest(typo, keys, 1); len(k) > 0 {
		return "did you mean " + k[0] + "? "
	}
	return ""
}
