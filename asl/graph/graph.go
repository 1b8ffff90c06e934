// Package graph is the picture of a state machine: its states as nodes, its transitions as edges, Parallel
// branches and Map processors as nested graphs; coloured by what an execution's history says happened, or
// by what a set of test runs covered; rendered as Graphviz dot, Mermaid or SVG.
package graph

import (
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl"
)

// Graph is one machine: the whole definition, a Parallel branch or a Map processor.
type Graph struct {
	// StartAt is the ID of the machine's first node.
	StartAt string  `json:"startAt"`
	Nodes   []*Node `json:"nodes"`
	Edges   []Edge  `json:"edges"`
}

// Node is one state.
type Node struct {
	// ID is unique in the whole graph: the state's path, e.g. "Fan out/0/Step" for a state in branch 0 of
	// Parallel "Fan out", "Each/Step" for a state of Map "Each"'s processor. A "/" or "~" inside a name is
	// written "~1" or "~0" (as in a JSON pointer), so that no two paths can meet.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Type is the state's type: Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map.
	Type     string `json:"type"`
	Resource string `json:"resource,omitempty"`
	// End is true for a state that ends its machine: End: true, a Succeed or a Fail state.
	End bool `json:"end,omitempty"`
	// Branches are a Parallel's branches, or a Map's processor as the one branch.
	Branches []*Graph `json:"branches,omitempty"`
	// Retriers are the state's Retry entries, in order.
	Retriers []Retrier `json:"retriers,omitempty"`
	// Status is what Colour or Coverage.Colour found: one of the Status constants, or "".
	Status string `json:"status,omitempty"`
}

// Retrier is one Retry entry.
type Retrier struct {
	ErrorEquals []string `json:"errorEquals"`
	MaxAttempts int64    `json:"maxAttempts"`
}

// Edge is a transition between two nodes of the same machine.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Label is a Choice rule's short text (e.g. "$.x > 3", or a JSONata Condition) or a Catch's
	// ErrorEquals joined with ", ".
	Label string `json:"label,omitempty"`
	// Index is the rule's place in Choices, or the catcher's in Catch (0 for the other kinds).
	Index int `json:"index,omitempty"`
	// ErrorEquals is a catcher's list, as written.
	ErrorEquals []string `json:"errorEquals,omitempty"`
}

// The kinds of edge.
const (
	KindNext    = "next"
	KindChoice  = "choice"
	KindDefault = "default"
	KindCatch   = "catch"
)

// The node statuses. Colour sets the first six; Coverage.Colour the last two.
const (
	StatusSucceeded  = "succeeded"
	StatusFailed     = "failed"
	StatusCaught     = "caught"
	StatusRunning    = "running"
	StatusCancelled  = "cancelled"
	StatusNotEntered = "notEntered"
	StatusCovered    = "covered"
	StatusNotCovered = "notCovered"
)

// Build returns the graph of a checked state machine (asl.Check's result without errors).
func Build(sm *asl.StateMachine) *Graph {
	return build(&sm.Machine, "")
}

// build makes the graph of one machine; prefix is the ID prefix of its states ("" at the top).
func build(m *asl.Machine, prefix string) *Graph {
	id := func(name string) string { return prefix + escape(name) }
	// Empty lists rather than nil, so that JSON readers get [] to iterate.
	g := &Graph{StartAt: id(m.StartAt), Nodes: []*Node{}, Edges: []Edge{}}
	for _, name := range m.Order {
		st := m.States[name]
		c := st.Base()
		n := &Node{ID: id(name), Name: name, Type: c.Type, End: c.End}
		edge := func(to, kind, label string, index int, errs []string) {
			g.Edges = append(g.Edges, Edge{From: n.ID, To: id(to), Kind: kind, Label: label, Index: index, ErrorEquals: errs})
		}
		var errs asl.Errors
		switch s := st.(type) {
		case *asl.Task:
			n.Resource = s.Resource
			errs = s.Errors
		case *asl.Choice:
			for i, r := range s.Choices {
				edge(r.Next, KindChoice, RuleText(r), i, nil)
			}
			if s.Default != "" {
				edge(s.Default, KindDefault, "", 0, nil)
			}
		case *asl.Succeed, *asl.Fail:
			n.End = true
		case *asl.Parallel:
			errs = s.Errors
			for i, b := range s.Branches {
				n.Branches = append(n.Branches, build(b, n.ID+"/"+strconv.Itoa(i)+"/"))
			}
		case *asl.Map:
			errs = s.Errors
			if s.Processor != nil {
				n.Branches = []*Graph{build(s.Processor, n.ID+"/")}
			}
		}
		if c.Next != "" {
			edge(c.Next, KindNext, "", 0, nil)
		}
		for i, ct := range errs.Catch {
			edge(ct.Next, KindCatch, strings.Join(ct.ErrorEquals, ", "), i, ct.ErrorEquals)
		}
		for _, r := range errs.Retry {
			n.Retriers = append(n.Retriers, Retrier{ErrorEquals: r.ErrorEquals, MaxAttempts: r.MaxAttempts})
		}
		g.Nodes = append(g.Nodes, n)
	}
	return g
}

// escape writes a state name as one segment of a node ID.
func escape(name string) string {
	if !strings.ContainsAny(name, "/~") {
		return name
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

// Walk calls fn for every node, nested ones included, in the order of the definition (a Parallel or Map
// before its branches' nodes).
func (g *Graph) Walk(fn func(*Node)) {
	for _, n := range g.Nodes {
		fn(n)
		for _, b := range n.Branches {
			b.Walk(fn)
		}
	}
}

// WalkEdges calls fn for every edge, nested ones included: a machine's own edges, then those of its
// states' branches, in the order of the definition.
func (g *Graph) WalkEdges(fn func(*Edge)) {
	for i := range g.Edges {
		fn(&g.Edges[i])
	}
	for _, n := range g.Nodes {
		for _, b := range n.Branches {
			b.WalkEdges(fn)
		}
	}
}
