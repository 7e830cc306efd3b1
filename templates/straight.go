package templates

import (
	"strconv"
	"strings"
	"text/template/parse"
)

// straight refuses what can make a template run for long or recurse: range
// (over an integer it loops as often as asked), and define, block and
// template (which can call themselves). What is left — text, actions, if,
// with, else, variables and the builtin functions — runs in time bounded by
// the template's size, and merge data has nothing to loop over anyway.
// defined is how many templates the file defined, itself included.
func straight(name string, tree *parse.Tree, defined int) *Error {
	if defined > 1 {
		return &Error{File: name, Msg: "define and block are not supported: one file is one template"}
	}
	if tree == nil || tree.Root == nil {
		return nil
	}
	if bad := firstLoop(tree.Root); bad != nil {
		return nodeError(name, tree, bad)
	}
	return nil
}

// firstLoop returns the first range or template node under n, or nil.
func firstLoop(n parse.Node) parse.Node {
	switch n := n.(type) {
	case *parse.RangeNode, *parse.TemplateNode:
		return n
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if bad := firstLoop(c); bad != nil {
				return bad
			}
		}
	case *parse.IfNode:
		return branches(n.List, n.ElseList)
	case *parse.WithNode:
		return branches(n.List, n.ElseList)
	}
	return nil
}

func branches(list, elseList *parse.ListNode) parse.Node {
	if bad := firstLoop(list); bad != nil {
		return bad
	}
	return firstLoop(elseList)
}

// nodeError reports a refused node at its line and column.
func nodeError(name string, tree *parse.Tree, n parse.Node) *Error {
	what := "range is"
	if _, ok := n.(*parse.TemplateNode); ok {
		what = "template is"
	}
	e := &Error{File: name, Msg: what + " not supported: templates have no loops or calls (use if, with and or)"}
	loc, _ := tree.ErrorContext(n)
	if lineCol, ok := strings.CutPrefix(loc, name+":"); ok {
		line, col, _ := strings.Cut(lineCol, ":")
		e.Line, _ = strconv.Atoi(line)
		e.Col, _ = strconv.Atoi(col)
	}
	return e
}
