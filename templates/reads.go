package templates

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"text/template/parse"
)

// AppendEmailReads appends to b what of d the email template name reads:
// for two Data that append the same bytes the template renders the same
// email or fails with the same error, for rendering depends on nothing
// else. ok is false, and b returned as it was, when the set has no such email.
//
// A caller that only needs to know whether a render fails (a simulation)
// keeps the outcome by name and these bytes instead of rendering again.
func (s *Set) AppendEmailReads(b []byte, name string, d Data) ([]byte, bool) {
	t, ok := s.emails[name]
	if !ok {
		return b, false
	}
	return t.reads.append(b, d), true
}

// reads is what of the merge data a template reads: each path is the
// indexes of the fields a chain such as .Contact.FirstName names from the top
// of the data, up to the first value that is not a struct or the first name
// that is not a field; the value it reaches is read whole. An empty path
// reads all the data.
type reads [][]int

var dataType = reflect.TypeFor[Data]()

// readsOf finds what the trees read. It is conservative: a dot or $ that
// stands for all the data, or a node it does not know, reads everything.
func readsOf(trees ...*parse.Tree) reads {
	w := walker{seen: map[string]bool{}}
	for _, t := range trees {
		if t != nil {
			w.node(t.Root, true)
		}
	}
	if w.all {
		return reads{{}}
	}
	slices.SortFunc(w.paths, slices.Compare)
	return w.paths
}

// walker gathers the fields read from the top of the data.
type walker struct {
	paths reads
	seen  map[string]bool
	all   bool
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
		w.node(n.Pipe, top)
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
	case *parse.TextNode, *parse.CommentNode, *parse.IdentifierNode, *parse.StringNode,
		*parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	default: // range and template are refused at load; anything else reads all
		w.all = true
	}
}

func (w *walker) branch(b *parse.BranchNode, top, inside bool) {
	w.node(b.Pipe, top)
	w.node(b.List, inside)
	w.node(b.ElseList, top)
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
	if key := fmt.Sprint(path); !w.seen[key] {
		w.seen[key] = true
		w.paths = append(w.paths, path)
	}
}

// append writes the values d has at the paths.
func (r reads) append(b []byte, d Data) []byte {
	v := reflect.ValueOf(&d).Elem()
	for _, path := range r {
		b = appendValue(b, v.FieldByIndex(path))
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
