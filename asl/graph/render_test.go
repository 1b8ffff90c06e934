package graph

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
)

// odd has names that each format must escape.
const odd = `{
  "StartAt": "say \"hi\" <b>",
  "States": {
    "say \"hi\" <b>": {"Type": "Pass", "Next": "a\\b & #1;"},
    "a\\b & #1;": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringEquals": "<x> & \"y\"", "Next": "end"}], "Default": "end"},
    "end": {"Type": "Succeed"}
  }
}`

// self has loops: a Choice and a catcher that go back to their own state.
const self = `{
  "StartAt": "Again",
  "States": {
    "Again": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "Again"}], "Default": "Work"},
    "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
      "Catch": [{"ErrorEquals": ["Busy"], "Next": "Work"}], "End": true}
  }
}`

// definitions are the project's definitions and this package's test ones.
func definitions(t *testing.T) map[string]*asl.StateMachine {
	t.Helper()
	out := map[string]*asl.StateMachine{"nested": check(t, nested), "loop": check(t, loop), "odd": check(t, odd), "self": check(t, self)}
	files, err := filepath.Glob("../../definitions/*.asl.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		out[filepath.Base(f)] = check(t, string(data))
	}
	return out
}

func render(t *testing.T, g *Graph, format string) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Render(&b, g, format))
	return b.String()
}

func TestRenderNamesEveryStateAndIsStable(t *testing.T) {
	for name, sm := range definitions(t) {
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				g := Build(sm)
				out := render(t, g, format)
				assert.Equal(t, out, render(t, Build(sm), format), "the same graph gives the same bytes")
				g.Walk(func(n *Node) {
					switch format {
					case "dot":
						assert.Contains(t, out, dotQuote(n.ID)+" [label="+dotQuote(n.Name+"\n"+subtitle(n)))
					case "mermaid":
						assert.Contains(t, out, `["`+mermaidText.Replace(n.Name)+"<br/>")
					case "svg":
						assert.Contains(t, out, ">"+xmlText.Replace(n.Name)+"</text>")
					}
				})
			})
		}
	}
}

func TestRenderEscapes(t *testing.T) {
	g := Build(check(t, odd))
	dot := render(t, g, "dot")
	assert.Contains(t, dot, `"say \"hi\" <b>" [label="say \"hi\" <b>\nPass"]`)
	assert.Contains(t, dot, `"a\\b & #1;" -> "end" [label="$.s == \"<x> & \\\"y\\\"\""]`)
	mm := render(t, g, "mermaid")
	assert.Contains(t, mm, `n1["say #quot;hi#quot; #lt;b#gt;<br/>Pass"]`)
	assert.Contains(t, mm, `-->|"$.s == #quot;#lt;x#gt; #amp; \#quot;y\#quot;#quot;"|`)
	assert.NotContains(t, mm, `#1;`, "a # is escaped, so no text reads as an entity")
	svg := render(t, g, "svg")
	assert.Contains(t, svg, `>say &quot;hi&quot; &lt;b&gt;</text>`)
	wellFormed(t, svg)
}

// wellFormed checks that a document is XML that a parser reads to its end.
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err)
	}
}

func TestRenderSVG(t *testing.T) {
	for name, sm := range definitions(t) {
		t.Run(name, func(t *testing.T) {
			g := Build(sm)
			Colour(g, nil)
			out := render(t, g, "svg")
			wellFormed(t, out)
			assert.True(t, strings.HasPrefix(out, `<svg xmlns="http://www.w3.org/2000/svg"`))
			assert.Contains(t, out, ">Not entered</text>", "a coloured graph has a legend")
			assert.Contains(t, out, "<path d=")
		})
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	err := Render(io.Discard, Build(check(t, loop)), "png")
	require.Error(t, err)
	assert.Equal(t, `unknown graph format "png": use dot, mermaid or svg`, err.Error())
}

// TestLayout checks what makes a drawing readable: no two boxes of a layer overlap, layers do not
// overlap, every edge starts at its source and ends at its target, and a block holds all its boxes.
func TestLayout(t *testing.T) {
	for name, sm := range definitions(t) {
		t.Run(name, func(t *testing.T) {
			checkBlock(t, layout(Build(sm), true))
		})
	}
}

func checkBlock(t *testing.T, b *block) {
	t.Helper()
	const eps = 0.01
	byLayer := map[int][]*vertex{}
	for _, v := range b.verts {
		byLayer[v.layer] = append(byLayer[v.layer], v)
		assert.GreaterOrEqual(t, v.x-v.w/2, -eps)
		assert.LessOrEqual(t, v.x+v.w/2+v.loopW, b.w+eps)
		assert.GreaterOrEqual(t, v.y-v.h/2, -eps)
		assert.LessOrEqual(t, v.y+v.h/2, b.h+eps)
		if v.compound != nil {
			for _, br := range v.compound.branches {
				checkBlock(t, br)
			}
		}
	}
	for _, l := range byLayer {
		for i, u := range l {
			for _, v := range l[i+1:] {
				apart := u.x+u.w/2+u.loopW <= v.x-v.w/2+eps || v.x+v.w/2+v.loopW <= u.x-u.w/2+eps
				assert.True(t, apart, "%v and %v overlap", u.node, v.node)
			}
		}
	}
	for _, u := range b.verts {
		for _, v := range b.verts {
			if u.layer < v.layer {
				assert.LessOrEqual(t, u.y+u.h/2, v.y-v.h/2+eps, "layers overlap")
			}
		}
	}
	for _, e := range b.edges {
		require.GreaterOrEqual(t, len(e.route), 2)
		from, to := b.verts[e.from], b.verts[e.to]
		first, last := e.route[0], e.route[len(e.route)-1]
		assert.True(t, within(first, from), "edge leaves %v from %v", from.node, first)
		assert.True(t, within(last, to), "edge reaches %v at %v", to.node, last)
	}
}

// within reports whether p is on v's box (its border included).
func within(p point, v *vertex) bool {
	const eps = 0.01
	return p.x >= v.x-v.w/2-eps && p.x <= v.x+v.w/2+eps && p.y >= v.y-v.h/2-eps && p.y <= v.y+v.h/2+eps
}
