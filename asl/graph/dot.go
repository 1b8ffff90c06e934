package graph

import (
	"io"
	"strings"
)

// dotText escapes text inside a dot quoted string: a backslash would start an escape such as \n.
var dotText = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")

// dotQuote writes s as a dot quoted string.
func dotQuote(s string) string { return `"` + dotText.Replace(s) + `"` }

func renderDot(w io.Writer, g *Graph) error {
	ew := &errWriter{w: w}
	byID := nodesByID(g)
	ew.printf("digraph \"state machine\" {\n")
	ew.printf("  graph [fontname=\"Helvetica\", fontsize=11, nodesep=0.4, ranksep=0.45];\n")
	ew.printf("  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=\"%s\", color=\"%s\"];\n", plain.fill, plain.stroke)
	ew.printf("  edge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];\n")
	ew.printf("  %s [label=\"Start\", shape=oval, fillcolor=\"#eeeeee\"];\n", dotQuote(startID))
	ew.printf("  %s [label=\"End\", shape=oval, fillcolor=\"#eeeeee\"];\n", dotQuote(endID))
	dotMachine(ew, g, "  ")
	dotEdges(ew, g, byID, "  ", startID, endID)
	if ls := legend(g); len(ls) > 0 {
		ew.printf("  subgraph \"cluster_~legend\" {\n    label=\"Legend\"; style=\"rounded\"; color=\"#bbbbbb\";\n")
		for _, s := range ls {
			st := styleOf(s)
			ew.printf("    %s [label=%s, fillcolor=\"%s\", color=\"%s\"];\n", dotQuote("~legend/"+s), dotQuote(st.legend), st.fill, st.stroke)
		}
		ew.printf("  }\n")
	}
	ew.printf("}\n")
	return ew.err
}

// dotMachine writes a machine's nodes; a Parallel or Map is a cluster with its state, its branches as
// clusters, and its join.
func dotMachine(ew *errWriter, g *Graph, indent string) {
	for _, n := range g.Nodes {
		st := styleOf(n.Status)
		attrs := "label=" + dotQuote(n.Name+"\n"+subtitle(n))
		if n.Status != "" {
			attrs += ", fillcolor=\"" + st.fill + "\", color=\"" + st.stroke + "\""
		}
		if len(n.Branches) == 0 {
			ew.printf("%s%s [%s];\n", indent, dotQuote(n.ID), attrs)
			continue
		}
		in := indent + "  "
		ew.printf("%ssubgraph %s {\n%slabel=\"\"; style=\"rounded,dashed\"; color=\"#999999\";\n", indent, dotQuote("cluster_"+n.ID), in)
		ew.printf("%s%s [%s];\n", in, dotQuote(n.ID), attrs)
		for i, b := range n.Branches {
			id := n.ID + "/" + branchTitle(n, i)
			ew.printf("%ssubgraph %s {\n%s  label=%s; style=\"rounded\"; color=\"#bbbbbb\";\n", in, dotQuote("cluster_"+id), in, dotQuote(branchTitle(n, i)))
			dotMachine(ew, b, in+"  ")
			ew.printf("%s}\n", in)
		}
		ew.printf("%s%s [shape=point, width=0.12, color=\"#555555\", fillcolor=\"#555555\"];\n", in, dotQuote(n.ID+joinID))
		ew.printf("%s}\n", indent)
	}
}

// dotEdges writes a machine's edges, its entry's and its ends', then those of its branches.
func dotEdges(ew *errWriter, g *Graph, byID map[string]*Node, indent, entry, join string) {
	ew.printf("%s%s -> %s;\n", indent, dotQuote(entry), dotQuote(g.StartAt))
	for _, e := range g.Edges {
		attrs := ""
		if e.Label != "" {
			attrs = "label=" + dotQuote(e.Label)
		}
		if e.Kind == KindCatch {
			attrs = join2(attrs, "style=dashed, color=\"#c62828\", fontcolor=\"#c62828\"")
		}
		if e.Kind == KindDefault {
			attrs = join2(attrs, "label=\"Default\", fontcolor=\"#777777\"")
		}
		if attrs != "" {
			attrs = " [" + attrs + "]"
		}
		ew.printf("%s%s -> %s%s;\n", indent, dotQuote(exit(byID, e.From)), dotQuote(e.To), attrs)
	}
	for _, n := range g.Nodes {
		if n.End {
			ew.printf("%s%s -> %s;\n", indent, dotQuote(exit(byID, n.ID)), dotQuote(join))
		}
		for _, b := range n.Branches {
			dotEdges(ew, b, byID, indent, n.ID, n.ID+joinID)
		}
	}
}

func join2(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// nodesByID finds every node of the graph, nested ones included, by its ID.
func nodesByID(g *Graph) map[string]*Node {
	m := map[string]*Node{}
	g.Walk(func(n *Node) { m[n.ID] = n })
	return m
}
