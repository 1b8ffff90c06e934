package graph

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl"
)

// Formats lists the formats Render writes.
var Formats = []string{"dot", "mermaid", "svg"}

// Render writes the graph as Graphviz dot, Mermaid (a flowchart) or SVG (laid out here, standalone). Each
// machine has a Start and an End, or, in a branch, the Parallel or Map state above it and a join below it:
// edges into a Parallel or Map state reach the state, edges out of it leave from its join. Catch edges
// are dashed; with Status set, nodes are filled by it and a legend names the colours. The same graph
// always gives the same bytes.
func Render(w io.Writer, g *Graph, format string) error {
	switch format {
	case "dot":
		return renderDot(w, g)
	case "mermaid":
		return renderMermaid(w, g)
	case "svg":
		return renderSVG(w, g)
	}
	return fmt.Errorf("unknown graph format %q: use dot, mermaid or svg", format)
}

// style is how a status is drawn.
type style struct {
	fill, stroke, legend string
}

// The pseudo nodes' IDs: a "~" followed by a letter is no escaped state name, so they meet no state.
const (
	startID = "~start"
	endID   = "~end"
	joinID  = "/~join"
)

// statuses lists the statuses in the legend's order, with their colours.
var statuses = []struct {
	status string
	style  style
}{
	{StatusSucceeded, style{"#d9f2d9", "#2e7d32", "Succeeded"}},
	{StatusCaught, style{"#ffe4c2", "#e65100", "Caught error"}},
	{StatusFailed, style{"#f9d0d0", "#c62828", "Failed"}},
	{StatusRunning, style{"#d3e5ff", "#1565c0", "In progress"}},
	{StatusCancelled, style{"#e6e6e6", "#616161", "Cancelled"}},
	{StatusNotEntered, style{"#ffffff", "#9e9e9e", "Not entered"}},
	{StatusCovered, style{"#d9f2d9", "#2e7d32", "Covered"}},
	{StatusNotCovered, style{"#fde7c8", "#b26a00", "Not covered"}},
}

// plain is a node without a status.
var plain = style{"#ffffff", "#4d4d4d", ""}

func styleOf(status string) style {
	for _, s := range statuses {
		if s.status == status {
			return s.style
		}
	}
	return plain
}

// legend lists the statuses the graph's nodes have, in the legend's order.
func legend(g *Graph) []string {
	seen := map[string]bool{}
	g.Walk(func(n *Node) { seen[n.Status] = true })
	var out []string
	for _, s := range statuses {
		if seen[s.status] {
			out = append(out, s.status)
		}
	}
	return out
}

// subtitle is a node's second line: its type, and a Task's resource in short.
func subtitle(n *Node) string {
	if n.Type != asl.TypeTask || n.Resource == "" {
		return n.Type
	}
	return n.Type + ": " + shortResource(n.Resource)
}

// shortResource names a Task's resource without its partition, region and account.
func shortResource(resource string) string {
	r := asl.PlainResource(resource)
	parts := strings.SplitN(r, ":", 7)
	s := r
	switch {
	case len(parts) == 7 && parts[2] == "states" && parts[3] == "" && parts[4] == "":
		s = parts[5] + ":" + parts[6]
	case len(parts) == 7 && (parts[2] == "lambda" && parts[5] == "function" || parts[2] == "states" && parts[5] == "activity"):
		s = parts[5] + ":" + parts[6]
	}
	return shortenTo(s, 32)
}

// shortenTo cuts s to n characters with "…".
func shortenTo(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// branchTitle names a node's branch i in a cluster's label.
func branchTitle(n *Node, i int) string {
	if n.Type == asl.TypeMap {
		return "Item processor"
	}
	return fmt.Sprintf("Branch %d", i+1)
}

// exit is the node an edge out of node id leaves from: the join of a Parallel or Map.
func exit(byID map[string]*Node, id string) string {
	if n := byID[id]; n != nil && len(n.Branches) > 0 {
		return id + joinID
	}
	return id
}

// errWriter keeps the first write error, so that a renderer writes on and checks once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
