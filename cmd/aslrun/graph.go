package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/asl/graph"
)

type graphFlags struct {
	format, history, output string
	subs                    []string
}

func newGraphCmd() *cobra.Command {
	var fl graphFlags
	cmd := &cobra.Command{
		Use:   "graph DEFINITION|TEMPLATE[#LogicalId]",
		Short: "Draw a state machine as Graphviz dot, Mermaid or SVG",
		Long: `Draw a state machine: its states as nodes, Choice rules and Default, Next and Catch (dashed, labelled
with their errors) as edges, Parallel branches and Map processors as nested clusters. A CloudFormation or SAM
template's state machine is read as execute reads it: TEMPLATE#LogicalId (or its only one),
DefinitionSubstitutions and --sub applied (README: "Run a state machine from its template").

--format is dot (Graphviz), mermaid (a flowchart, for Markdown) or svg (laid out by aslrun, standalone);
without it, the extension of -o chooses (.dot/.gv, .mmd/.mermaid, .svg), else dot.

--execution-history colours the states by what an execution did: succeeded, failed, caught (failed, and
a Catch handled it), in progress, cancelled, not entered. It reads GetExecutionHistory's JSON, as
"aslrun execute --history FILE" writes it and "aws stepfunctions get-execution-history" prints it.

Exit status: 0 when the graph was written, 2 when the definition, flags or files are bad.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runGraph(cmd, args[0], fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.format, "format", "", "dot, mermaid or svg (default: by the extension of -o, else dot)")
	f.StringVar(&fl.history, "execution-history", "", "colour the states by this execution history (GetExecutionHistory's JSON)")
	f.StringVarP(&fl.output, "output", "o", "", "write the graph to this file (default: stdout)")
	subFlag(f, &fl.subs)
	return cmd
}

func runGraph(cmd *cobra.Command, path string, fl graphFlags) error {
	format := fl.format
	if format == "" {
		format = "dot"
		if byExt, ok := formatOf(fl.output); ok {
			format = byExt
		}
	}
	if !slices.Contains(graph.Formats, format) {
		return usageError(cmd, "--format must be dot, mermaid or svg, not %q", format)
	}
	// The type a template gives, else STANDARD: the type changes what a definition may hold, not its graph.
	m, err := loadMachine(cmd, path, "", fl.subs...)
	if err != nil {
		return err
	}
	g := graph.Build(m.prog.Definition())
	if fl.history != "" {
		data, err := os.ReadFile(fl.history)
		if err != nil {
			return usageError(cmd, "--execution-history: %v", err)
		}
		events, err := graph.ParseHistory(data)
		if err != nil {
			return usageError(cmd, "--execution-history %s: %v", fl.history, err)
		}
		if missing := unknownStates(g, events); len(missing) > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "aslrun: warning: --execution-history %s names states that %s does not have: %s\n",
				fl.history, path, strings.Join(missing, ", "))
		}
		graph.Colour(g, events)
	}
	if fl.output == "" {
		return graph.Render(cmd.OutOrStdout(), g, format)
	}
	if err := writeGraph(g, fl.output, format); err != nil {
		return usageError(cmd, "-o: %v", err)
	}
	return nil
}

// formatOf is the graph format a file's extension names.
func formatOf(path string) (string, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".dot", ".gv":
		return "dot", true
	case ".mmd", ".mermaid":
		return "mermaid", true
	case ".svg":
		return "svg", true
	}
	return "", false
}

// writeGraph renders the graph whole before it writes the file.
func writeGraph(g *graph.Graph, path, format string) error {
	var b bytes.Buffer
	if err := graph.Render(&b, g, format); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// unknownStates lists the states a history enters that the graph does not have: the history of another
// definition, or of another version of this one.
func unknownStates(g *graph.Graph, events []graph.HistoryEvent) []string {
	known := map[string]bool{}
	g.Walk(func(n *graph.Node) { known[n.Name] = true })
	var out []string
	for _, e := range events {
		if e.Name != "" && !known[e.Name] && !slices.Contains(out, e.Name) {
			out = append(out, e.Name)
		}
	}
	return out
}
