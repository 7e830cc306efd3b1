package templates

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode"
	"unicode/utf8"
)

// AppendEmailOutcome appends to b what of d decides whether the email
// template name renders: for two Data that append the same bytes the
// template renders both or fails for both, for rendering depends on nothing
// else. ok is false, and b returned as it was, when the set has no such email.
//
// It writes the values the template reads, except that a template that only
// prints what it reads or tests whether it is empty (with or, and, not, if
// and with) has each plain string it reads (see plain) written as just that:
// such a render does not depend on which plain string it prints, as long as
// all it could print stays far below MaxOutput, which is checked. A caller
// that only needs to know whether a render succeeds (a simulation) keeps the
// success under these bytes instead of rendering again; contacts with names
// of their own share one render.
func (s *Set) AppendEmailOutcome(b []byte, name string, d Data) ([]byte, bool) {
	t, ok := s.emails[name]
	if !ok {
		return b, false
	}
	return t.reads.append(b, d), true
}

// reads is what of the merge data a template reads. Each path is the
// indexes of the fields a chain such as .Contact.FirstName names from the
// top of the data, up to the first value that is not a struct or the first
// name that is not a field; the value it reaches is read whole. An empty
// path reads all the data.
type reads struct {
	paths [][]int
	// printsOnly is whether every action prints at most one value read
	// or written in the template, or tests values for emptiness (a
	// pipeline of one field, dot, $ chain or constant, or or, and or not
	// of those): then what is printed matters only for its emptiness, its
	// control characters and its size.
	printsOnly bool
	actions    int // actions, each printing at most one value
	static     int // bytes of text and string constants
}

// escapeGrowth is how many bytes printing one byte may take, escaped by
// html/template (a byte as \u00XX in a script).
const escapeGrowth = 6

var dataType = reflect.TypeFor[Data]()

// readsOf finds what the trees read. It is conservative: a dot or $ that
// stands for all the data, or a node it does not know, reads everything.
func readsOf(trees ...*parse.Tree) reads {
	w := walker{printsOnly: true}
	for _, t := range trees {
		if t != nil {
			w.node(t.Root, true)
		}
	}
	r := reads{paths: w.paths, printsOnly: w.printsOnly, actions: w.actions, static: w.static}
	if w.all {
		r.paths = [][]int{{}}
	}
	slices.SortFunc(r.paths, slices.Compare)
	r.paths = slices.CompactFunc(r.paths, slices.Equal)
	return r
}

// walker gathers the fields read from the top of the data, and whether the
// trees only print or test them.
type walker struct {
	paths      [][]int
	all        bool
	printsOnly bool
	actions    int
	static     int
}

// node walks n, where dot is the whole data when top is true. Inside a
// with, dot is a value the with's pipeline read, so what is read of it
// needs no path of its own; a variable holds what its pipeline read.
func (w *walker) node(n parse.Node, top bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				w.node(c, top)
			}
		}
	case *parse.ActionNode:
		w.actions++
		w.pipe(n.Pipe, top)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				w.node(c, top)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			w.node(a, top)
		}
	case *parse.ChainNode:
		w.node(n.Node, top)
	case *parse.IfNode:
		w.branch(&n.BranchNode, top, top)
	case *parse.WithNode:
		w.branch(&n.BranchNode, top, false)
	case *parse.FieldNode:
		if top {
			w.add(n.Ident)
		}
	case *parse.DotNode:
		w.all = w.all || top
	case *parse.VariableNode:
		if n.Ident[0] == "$" {
			w.add(n.Ident[1:])
		}
	case *parse.TextNode:
		w.static += len(n.Text)
	case *parse.StringNode:
		w.static += len(n.Text)
	case *parse.CommentNode, *parse.IdentifierNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	default: // range and template are refused at load; anything else reads all
		w.all = true
	}
}

func (w *walker) branch(b *parse.BranchNode, top, inside bool) {
	w.pipe(b.Pipe, top)
	w.node(b.List, inside)
	w.node(b.ElseList, top)
}

// pipe walks an action's or a branch's pipeline, noting whether it only
// prints or tests what it reads: one command that is one operand or or,
// and, not of operands. A variable holds what such a pipeline gave it, so
// it is an operand too.
func (w *walker) pipe(p *parse.PipeNode, top bool) {
	w.node(p, top)
	if p == nil || len(p.Cmds) != 1 {
		w.printsOnly = false
		return
	}
	args := p.Cmds[0].Args
	if id, ok := args[0].(*parse.IdentifierNode); ok && (id.Ident == "or" || id.Ident == "and" || id.Ident == "not") {
		args = args[1:]
	} else if len(args) != 1 {
		w.printsOnly = false
		return
	}
	for _, a := range args {
		switch a.(type) {
		case *parse.FieldNode, *parse.DotNode, *parse.VariableNode, *parse.StringNode, *parse.NumberNode,
			*parse.BoolNode, *parse.NilNode:
		default:
			w.printsOnly = false
		}
	}
}

// add records the path of a chain of field names from the top of the data.
func (w *walker) add(names []string) {
	var path []int
	t := dataType
	for _, name := range names {
		if t.Kind() != reflect.Struct {
			break
		}
		f, ok := t.FieldByName(name)
		if !ok || len(f.Index) != 1 {
			break
		}
		path, t = append(path, f.Index[0]), f.Type
	}
	w.paths = append(w.paths, path)
}

// plain reports whether a printed string can change neither whether a
// subject or body is empty nor whether it holds a control character: it
// is valid UTF-8 with something besides white space and no control
// character.
func plain(s string) bool {
	return utf8.ValidString(s) && strings.TrimSpace(s) != "" && !strings.ContainsFunc(s, unicode.IsControl)
}

// append writes the values d has at the paths; when the template only
// prints or tests them and can print nothing near MaxOutput with d, its
// plain strings as "P", behind an "s" that tells the two forms apart.
func (r reads) append(b []byte, d Data) []byte {
	v := reflect.ValueOf(&d).Elem()
	shape := r.printsOnly
	if shape {
		values := 0
		for _, path := range r.paths {
			if f := v.FieldByIndex(path); f.Kind() == reflect.String {
				values += f.Len()
			} else {
				values += printedLen(f.Interface())
			}
		}
		shape = escapeGrowth*(r.static+r.actions*values) <= MaxOutput
	}
	if shape {
		b = append(b, 's')
	}
	for _, path := range r.paths {
		f := v.FieldByIndex(path)
		if shape && f.Kind() == reflect.String && plain(f.String()) {
			b = append(b, 'P')
			continue
		}
		b = appendValue(b, f)
	}
	return b
}

// appendValue writes v so that different values never read the same:
// strings with their length, maps with their size and keys in order.
func appendValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.String:
		b = strconv.AppendInt(b, int64(v.Len()), 10)
		return append(append(b, ':'), v.String()...)
	case reflect.Struct:
		for i := range v.NumField() {
			b = appendValue(b, v.Field(i))
		}
		return b
	case reflect.Map:
		if v.IsNil() {
			return append(b, 'n')
		}
		b = append(strconv.AppendInt(append(b, 'm'), int64(v.Len()), 10), ':')
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return cmp.Compare(keyString(x), keyString(y)) })
		for _, k := range keys {
			b = appendValue(appendValue(b, k), v.MapIndex(k))
		}
		return b
	}
	return fmt.Appendf(b, "%d:%#v", v.Kind(), v.Interface())
}

// keyString is how a map key sorts: a string as itself, others as printed.
func keyString(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	return fmt.Sprint(k.Interface())
}
