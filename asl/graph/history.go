package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aslrun/aslrun/asl/failure"
)

// HistoryEvent is what the graph reads of one event of GetExecutionHistory. Its fields are those of
// interpreter.Event of the same names, so that events a service subscriber receives convert field by field.
type HistoryEvent struct {
	ID              int64
	PreviousEventID int64
	Type            string
	// Name is the state's name, in a state's Entered and Exited events.
	Name string
	// Error is the error name of a failure event, when it gives one.
	Error string
}

// UnmarshalJSON reads an event as GetExecutionHistory gives it: "id", "previousEventId", "type", and
// the name or error in its "...EventDetails".
func (e *HistoryEvent) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	var head struct {
		ID   int64  `json:"id"`
		Prev int64  `json:"previousEventId"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	if head.Type == "" {
		return errors.New(`it has no "type"`)
	}
	*e = HistoryEvent{ID: head.ID, PreviousEventID: head.Prev, Type: head.Type}
	for key, raw := range fields {
		if !strings.HasSuffix(key, "EventDetails") {
			continue
		}
		var d struct {
			Name  string `json:"name"`
			Error string `json:"error"`
		}
		if json.Unmarshal(raw, &d) != nil {
			continue // details of another shape carry nothing the graph reads
		}
		if key == "stateEnteredEventDetails" || key == "stateExitedEventDetails" {
			e.Name = d.Name
		}
		if d.Error != "" {
			e.Error = d.Error
		}
	}
	return nil
}

// ParseHistory reads an execution's history: GetExecutionHistory's {"events": [...]} (what `aws
// stepfunctions get-execution-history` prints and `aslrun execute --history` writes) or the bare list.
// The events are returned in the order of their ids, as --reverse-order may have turned them.
func ParseHistory(data []byte) ([]HistoryEvent, error) {
	var raw []json.RawMessage
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, fmt.Errorf("not a list of history events: %w", err)
		}
	} else {
		var doc struct {
			Events *[]json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal(trimmed, &doc); err != nil {
			return nil, fmt.Errorf("not an execution history (GetExecutionHistory's {\"events\": [...]}): %w", err)
		}
		if doc.Events == nil {
			return nil, errors.New(`not an execution history: no "events" list`)
		}
		raw = *doc.Events
	}
	events := make([]HistoryEvent, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &events[i]); err != nil {
			return nil, fmt.Errorf("event %d of the list: %w", i+1, err)
		}
	}
	slices.SortStableFunc(events, func(a, b HistoryEvent) int { return int(a.ID - b.ID) })
	return events, nil
}

// visit is one entry into a state, from its StateEntered event on.
type visit struct {
	node *Node
	// parent is the Parallel or Map visit whose branch this visit belongs to (nil at the top).
	parent *visit
	// exited: the state was left, by its Exited event or by a Catch; failed: its last failure was not
	// followed by a retry; err is that failure's error name.
	exited, failed bool
	err            string
}

// transition is a move between two states; edges are the edges it may have taken (more than one when
// several Choice rules, or the Default, lead to the same state).
type transition struct {
	edges []*Edge
}

// retryUse is one retry of a state by one of its retriers.
type retryUse struct {
	node    *Node
	retrier int
}

// run is what one history says happened on the graph.
type run struct {
	visits      []*visit
	transitions []transition
	retries     []retryUse
	// over: the execution ended (succeeded, failed, timed out or aborted).
	over bool
}

// index finds nodes by state name (unique in a definition), the enclosing node of each nested node, and
// the edges leaving each node.
type index struct {
	byName map[string]*Node
	parent map[*Node]*Node
	from   map[string][]*Edge
}

func newIndex(g *Graph) *index {
	ix := &index{byName: map[string]*Node{}, parent: map[*Node]*Node{}, from: map[string][]*Edge{}}
	var walk func(g *Graph, parent *Node)
	walk = func(g *Graph, parent *Node) {
		for i := range g.Edges {
			ix.from[g.Edges[i].From] = append(ix.from[g.Edges[i].From], &g.Edges[i])
		}
		for _, n := range g.Nodes {
			ix.byName[n.Name] = n
			if parent != nil {
				ix.parent[n] = parent
			}
			for _, b := range n.Branches {
				walk(b, n)
			}
		}
	}
	walk(g, nil)
	return ix
}

// replay follows a history over the graph. Events of Parallel branches and Map iterations interleave, so
// each event is tied to the visit of the event its previousEventId names, which is the one before it in
// the same branch or iteration. Where an event of a Parallel or Map names an event inside a branch (the
// branch that ended last, say), the Parallel's or Map's visit is found among the visit's ancestors. States
// the graph does not have (a history of another definition) are skipped.
func (ix *index) replay(events []HistoryEvent) *run {
	type place struct {
		v *visit
		// after: the event follows the visit's end.
		after bool
	}
	r := &run{}
	at := make(map[int64]place, len(events))
	for _, e := range events {
		p := at[e.PreviousEventID]
		if strings.HasPrefix(e.Type, "Execution") && (strings.HasSuffix(e.Type, "Succeeded") ||
			strings.HasSuffix(e.Type, "Failed") || strings.HasSuffix(e.Type, "TimedOut") || strings.HasSuffix(e.Type, "Aborted")) {
			r.over = true
		}
		switch {
		case strings.HasSuffix(e.Type, "StateEntered"):
			n := ix.byName[e.Name]
			if n == nil {
				continue
			}
			v := &visit{node: n}
			if p.v != nil && !p.after && ix.parent[n] == p.v.node {
				v.parent = p.v // the first state of a branch or an iteration
			} else if from := ix.sibling(p.v, n); from != nil {
				v.parent = from.parent
				r.transitions = append(r.transitions, transition{edges: ix.taken(from, n)})
				from.exited = true // a Catch may leave a state without its Exited event
			}
			r.visits = append(r.visits, v)
			at[e.ID] = place{v: v}
		case strings.HasSuffix(e.Type, "StateExited"):
			v := p.v
			for v != nil && v.node.Name != e.Name {
				v = v.parent
			}
			if v != nil {
				v.exited = true
			}
			at[e.ID] = place{v: v, after: true}
		default:
			at[e.ID] = p
			v := p.v
			if typ := stateEvent(e.Type); typ != "" {
				for v != nil && v.node.Type != typ {
					v = v.parent
				}
			} else if p.after || strings.HasPrefix(e.Type, "MapIteration") {
				continue // an iteration's end is its states' business, and the Map's
			}
			if v == nil {
				continue
			}
			switch {
			case failed(e.Type):
				v.failed, v.err = true, e.Error
				if v.err == "" && strings.HasSuffix(e.Type, "TimedOut") {
					v.err = failure.Timeout
				}
				if strings.HasPrefix(e.Type, "Execution") {
					for a := v.parent; a != nil && !a.exited; a = a.parent {
						a.failed, a.err = true, v.err
					}
				}
			case v.failed && restarted(e.Type):
				if i := firstMatch(v.node, v.err); i >= 0 {
					r.retries = append(r.retries, retryUse{node: v.node, retrier: i})
				}
				v.failed = false
			}
		}
	}
	return r
}

// sibling finds, from the visit an event follows, the visit in the same machine as n: the visit itself, or
// the Parallel or Map around it whose branch ended; nil if there is none.
func (ix *index) sibling(v *visit, n *Node) *visit {
	for ; v != nil; v = v.parent {
		if ix.parent[v.node] == ix.parent[n] {
			return v
		}
	}
	return nil
}

// stateEvent is the state type an event of a Parallel or Map state is about (ParallelStateFailed,
// MapStateStarted, MapRunFailed...), or "".
func stateEvent(typ string) string {
	switch {
	case strings.HasPrefix(typ, "ParallelState"):
		return "Parallel"
	case strings.HasPrefix(typ, "MapState"), strings.HasPrefix(typ, "MapRun"):
		return "Map"
	}
	return ""
}

// failed reports whether an event is a failure: TaskFailed, LambdaFunctionTimedOut, ParallelStateFailed,
// ExecutionFailed...
func failed(typ string) bool {
	return strings.HasSuffix(typ, "Failed") || strings.HasSuffix(typ, "TimedOut")
}

// restarted reports whether an event starts a state's work again, as a retry does.
func restarted(typ string) bool {
	return strings.HasSuffix(typ, "Scheduled") || strings.HasSuffix(typ, "StateStarted") || typ == "MapRunStarted"
}

// firstMatch is the retrier that handles an error: the first whose ErrorEquals matches, or -1.
func firstMatch(n *Node, err string) int {
	for i, r := range n.Retriers {
		if failure.Matches(r.ErrorEquals, err, n.Type == "Task") {
			return i
		}
	}
	return -1
}

// taken finds the edges a move from a visit to a node may have used.
func (ix *index) taken(from *visit, to *Node) []*Edge {
	out := ix.from[from.node.ID]
	if from.failed {
		// Catchers are tried in order: the first that matches the error is the one used.
		for _, e := range out {
			if e.Kind == KindCatch && failure.Matches(e.ErrorEquals, from.err, from.node.Type == "Task") {
				if e.To == to.ID {
					return []*Edge{e}
				}
				break
			}
		}
	}
	var edges []*Edge
	for _, e := range out {
		if e.To != to.ID {
			continue
		}
		switch {
		case from.failed && e.Kind == KindCatch,
			!from.failed && from.node.Type == "Choice" && (e.Kind == KindChoice || e.Kind == KindDefault),
			!from.failed && e.Kind == KindNext:
			edges = append(edges, e)
		}
	}
	return edges
}

// status is what happened to one visit.
func (r *run) status(v *visit) string {
	switch {
	case v.exited && v.failed:
		return StatusCaught
	case v.exited:
		return StatusSucceeded
	case v.failed || v.node.Type == "Fail":
		return StatusFailed
	}
	for p := v.parent; p != nil; p = p.parent {
		if p.exited || p.failed {
			return StatusCancelled // its branch was stopped: a sibling failed
		}
	}
	if r.over {
		return StatusCancelled
	}
	return StatusRunning
}

// rank orders the statuses of several visits of one node: the node shows the one that matters most.
var rank = map[string]int{StatusSucceeded: 1, StatusCancelled: 2, StatusCaught: 3, StatusRunning: 4, StatusFailed: 5}

// Colour sets every node's Status from an execution's history: succeeded, failed, caught (failed and
// handled by a Catch), running, cancelled (stopped while it ran: a sibling branch failed, or the
// execution was aborted) or notEntered. A node entered several times (a loop, Map iterations) shows the
// status that matters most: failed, then running, caught, cancelled, succeeded. A Distributed Map's
// iterations are child executions with histories of their own: its processor's states stay notEntered.
func Colour(g *Graph, events []HistoryEvent) {
	r := newIndex(g).replay(events)
	g.Walk(func(n *Node) { n.Status = StatusNotEntered })
	for _, v := range r.visits {
		if s := r.status(v); rank[s] > rank[v.node.Status] {
			v.node.Status = s
		}
	}
}
