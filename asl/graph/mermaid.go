package graph

import (
	"io"
	"strconv"
	"strings"
)

// mermaidText escapes text for a quoted Mermaid label: quotes and markup as entities, "#" first since it
// starts one.
var mermaidText = strings.NewReplacer(`#`, `#35;`, `"`, `#quot;`, `<`, `#lt;`, `>`, `#gt;`, `&`, `#amp;`, "\n", " ", "\r", "")

// mermaid names the nodes n0, n1...: Mermaid ids cannot hold what state names can.
type mermaid struct {
	ew   *errWriter
	byID map[string]*Node
	ids  map[string]string
}

func (m *mermaid) id(nodeID string) string {
	if id, ok := m.ids[nodeID]; ok {
		return id
	}
	id := "n" + strconv.Itoa(len(m.ids))
	m.ids[nodeID] = id
	return id
}

func renderMermaid(w io.Writer, g *Graph) error {
	m := &mermaid{ew: &errWriter{w: w}, byID: nodesByID(g), ids: map[string]string{}}
	m.ew.printf("flowchart TD\n")
	m.ew.printf("  %s([\"Start\"])\n", m.id(startID))
	m.machine(g, "  ")
	m.ew.printf("  %s([\"End\"])\n", m.id(endID))
	m.edges(g, startID, endID)
	m.ew.printf("  classDef plain fill:%s,stroke:%s\n", plain.fill, plain.stroke)
	m.ew.printf("  classDef pseudo fill:#eeeeee,stroke:#4d4d4d\n")
	m.ew.printf("  class %s,%s pseudo\n", m.id(startID), m.id(endID))
	ls := legend(g)
	for _, s := range ls {
		st := styleOf(s)
		m.ew.printf("  classDef %s fill:%s,stroke:%s\n", s, st.fill, st.stroke)
	}
	byStatus := map[string][]string{}
	g.Walk(func(n *Node) { byStatus[n.Status] = append(byStatus[n.Status], m.id(n.ID)) })
	for _, s := range append([]string{""}, ls...) {
		if ids := byStatus[s]; len(ids) > 0 {
			class := s
			if class == "" {
				class = "plain"
			}
			m.ew.printf("  class %s %s\n", strings.Join(ids, ","), class)
		}
	}
	if len(ls) > 0 {
		m.ew.printf("  subgraph legend [\"Legend\"]\n")
		for _, s := range ls {
			id := m.id("~legend/" + s)
			m.ew.printf("    %s[\"%s\"]\n    class %s %s\n", id, styleOf(s).legend, id, s)
		}
		m.ew.printf("  end\n")
	}
	return m.ew.err
}

// machine writes a machine's nodes; a Parallel or Map is a subgraph with its state, its branches as
// subgraphs, and its join.
func (m *mermaid) machine(g *Graph, indent string) {
	for _, n := range g.Nodes {
		label := mermaidText.Replace(n.Name) + "<br/>" + mermaidText.Replace(subtitle(n))
		if len(n.Branches) == 0 {
			m.ew.printf("%s%s[\"%s\"]\n", indent, m.id(n.ID), label)
			continue
		}
		in := indent + "  "
		m.ew.printf("%ssubgraph %s [\" \"]\n%sdirection TB\n", indent, m.id("cluster/"+n.ID), in)
		m.ew.printf("%s%s[\"%s\"]\n", in, m.id(n.ID), label)
		for i, b := range n.Branches {
			m.ew.printf("%ssubgraph %s [\"%s\"]\n%s  direction TB\n", in, m.id("cluster/"+n.ID+"/"+strconv.Itoa(i)), branchTitle(n, i), in)
			m.machine(b, in+"  ")
			m.ew.printf("%send\n", in)
		}
		m.ew.printf("%s%s((\" \"))\n", in, m.id(n.ID+joinID))
		m.ew.printf("%send\n", indent)
	}
}

// edges writes a machine's edges, its entry's and its ends', then those of its branches.
func (m *mermaid) edges(g *Graph, entry, join string) {
	m.ew.printf("  %s --> %s\n", m.id(entry), m.id(g.StartAt))
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Kind == KindCatch {
			arrow = "-.->"
		}
		label := e.Label
		if e.Kind == KindDefault {
			label = "Default"
		}
		if label != "" {
			arrow += "|\"" + mermaidText.Replace(label) + "\"|"
		}
		m.ew.printf("  %s %s %s\n", m.id(exit(m.byID, e.From)), arrow, m.id(e.To))
	}
	for _, n := range g.Nodes {
		if n.End {
			m.ew.printf("  %s --> %s\n", m.id(exit(m.byID, n.ID)), m.id(join))
		}
		for _, b := range n.Branches {
			m.edges(b, n.ID, n.ID+joinID)
		}
	}
}
