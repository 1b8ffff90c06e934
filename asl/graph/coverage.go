package graph

import (
	"strconv"
)

// Coverage sums up what the executions of one graph exercised: the states entered, the edges taken, the
// Choice rules matched, the catchers and retriers used.
type Coverage struct {
	g        *Graph
	ix       *index
	runs     int
	entered  map[*Node]int
	taken    map[*Edge]int
	retried  map[retryKey]int
	byChoice map[*Edge]bool // a Choice edge whose target another rule (or the Default) of its state shares
}

type retryKey struct {
	node    *Node
	retrier int
}

// NewCoverage starts the coverage of a graph, with nothing covered.
func NewCoverage(g *Graph) *Coverage {
	c := &Coverage{g: g, ix: newIndex(g), entered: map[*Node]int{}, taken: map[*Edge]int{}, retried: map[retryKey]int{},
		byChoice: map[*Edge]bool{}}
	for _, edges := range c.ix.from {
		for _, e := range edges {
			for _, f := range edges {
				if e != f && e.To == f.To && choiceKind(e) && choiceKind(f) {
					c.byChoice[e] = true
				}
			}
		}
	}
	return c
}

func choiceKind(e *Edge) bool { return e.Kind == KindChoice || e.Kind == KindDefault }

// Add counts one execution's history.
func (c *Coverage) Add(events []HistoryEvent) {
	r := c.ix.replay(events)
	c.runs++
	for _, v := range r.visits {
		c.entered[v.node]++
	}
	for _, t := range r.transitions {
		for _, e := range t.edges {
			c.taken[e]++
		}
	}
	for _, u := range r.retries {
		c.retried[retryKey(u)]++
	}
}

// Graph is the graph the coverage counts on.
func (c *Coverage) Graph() *Graph { return c.g }

// Colour sets every node's Status: covered when an execution entered it, else notCovered.
func (c *Coverage) Colour() {
	c.g.Walk(func(n *Node) {
		n.Status = StatusNotCovered
		if c.entered[n] > 0 {
			n.Status = StatusCovered
		}
	})
}

// Report is a coverage's figures: for each kind of item, how many of them the executions exercised, and
// each item with its count.
type Report struct {
	// Executions is the number of histories counted.
	Executions  int                     `json:"executions"`
	States      Section[StateItem]      `json:"states"`
	Transitions Section[EdgeItem]       `json:"transitions"`
	ChoiceRules Section[ChoiceRuleItem] `json:"choiceRules"`
	Catchers    Section[CatcherItem]    `json:"catchers"`
	Retriers    Section[RetrierItem]    `json:"retriers"`
}

// Section counts one kind of item: Covered of Total, each item in the definition's order.
type Section[T any] struct {
	Covered int `json:"covered"`
	Total   int `json:"total"`
	Items   []T `json:"items"`
}

func (s *Section[T]) add(item T, count int) {
	s.Total++
	if count > 0 {
		s.Covered++
	}
	s.Items = append(s.Items, item)
}

// StateItem is a state and the number of times it was entered (each Map iteration counts).
type StateItem struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Entered int    `json:"entered"`
}

// EdgeItem is an edge and the number of times it was taken.
type EdgeItem struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Kind  string `json:"kind"`
	Label string `json:"label,omitempty"`
	Taken int    `json:"taken"`
}

// ChoiceRuleItem is a Choice rule, or its Default, and the number of times it was matched. A history does
// not say which rule matched, only which state came next: when several rules (or a rule and the Default)
// lead to the same state, each of them counts the move, and Shared says so.
type ChoiceRuleItem struct {
	State string `json:"state"`
	// Rule is the rule's number in Choices (from 1), or "Default".
	Rule    string `json:"rule"`
	Label   string `json:"label,omitempty"`
	Next    string `json:"next"`
	Matched int    `json:"matched"`
	Shared  bool   `json:"shared,omitempty"`
}

// CatcherItem is a catcher and the number of times it handled an error.
type CatcherItem struct {
	State       string   `json:"state"`
	Index       int      `json:"index"`
	ErrorEquals []string `json:"errorEquals"`
	Next        string   `json:"next"`
	Used        int      `json:"used"`
}

// RetrierItem is a retrier and the number of retries it made.
type RetrierItem struct {
	State       string   `json:"state"`
	Index       int      `json:"index"`
	ErrorEquals []string `json:"errorEquals"`
	Used        int      `json:"used"`
}

// Report returns the figures, in the definition's order.
func (c *Coverage) Report() *Report {
	r := &Report{Executions: c.runs}
	c.g.Walk(func(n *Node) {
		r.States.add(StateItem{ID: n.ID, Name: n.Name, Type: n.Type, Entered: c.entered[n]}, c.entered[n])
		for i, rt := range n.Retriers {
			used := c.retried[retryKey{n, i}]
			r.Retriers.add(RetrierItem{State: n.ID, Index: i, ErrorEquals: rt.ErrorEquals, Used: used}, used)
		}
	})
	c.g.WalkEdges(func(e *Edge) {
		n := c.taken[e]
		r.Transitions.add(EdgeItem{From: e.From, To: e.To, Kind: e.Kind, Label: e.Label, Taken: n}, n)
		switch e.Kind {
		case KindChoice, KindDefault:
			rule := "Default"
			if e.Kind == KindChoice {
				rule = strconv.Itoa(e.Index + 1)
			}
			r.ChoiceRules.add(ChoiceRuleItem{State: e.From, Rule: rule, Label: e.Label, Next: e.To, Matched: n, Shared: c.byChoice[e]}, n)
		case KindCatch:
			r.Catchers.add(CatcherItem{State: e.From, Index: e.Index, ErrorEquals: e.ErrorEquals, Next: e.To, Used: n}, n)
		}
	})
	return r
}
