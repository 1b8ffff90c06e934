package graph

import (
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
)

const (
	margin    = 16.0
	legendH   = 30.0
	edgeColor = "#666666"
	catchRed  = "#c62828"
)

// xmlText escapes text for SVG content and attribute values.
var xmlText = strings.NewReplacer(`&`, `&amp;`, `<`, `&lt;`, `>`, `&gt;`, `"`, `&quot;`, `'`, `&#39;`)

// textWidth estimates the width of s in Helvetica at size: no font is at hand to measure it, so each
// character counts by its class.
func textWidth(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("iljtfI.,:;'|!()[] ", r):
			w += 0.3
		case strings.ContainsRune("mwMW@%", r):
			w += 0.85
		case unicode.IsUpper(r) || unicode.IsDigit(r) && bold:
			w += 0.68
		case r > unicode.MaxASCII:
			w += 0.75
		default:
			w += 0.56
		}
	}
	if bold {
		w *= 1.07
	}
	return w * size
}

// num writes a coordinate with one decimal at most.
func num(x float64) string {
	r := math.Round(x*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

type svg struct{ ew *errWriter }

func renderSVG(w io.Writer, g *Graph) error {
	s := &svg{ew: &errWriter{w: w}}
	b := layout(g, true)
	ls := legend(g)
	legendW := 0.0
	for _, st := range ls {
		legendW += 22 + textWidth(styleOf(st).legend, 11, false) + 16
	}
	width := max(b.w, legendW) + 2*margin
	height := b.h + 2*margin
	if len(ls) > 0 {
		height += legendH
	}
	s.ew.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="Helvetica, Arial, sans-serif">`+"\n",
		num(width), num(height), num(width), num(height))
	s.ew.printf(`<defs>` +
		`<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="` + edgeColor + `"/></marker>` +
		`<marker id="arrow-catch" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="` + catchRed + `"/></marker>` +
		"</defs>\n")
	s.ew.printf(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	s.block(b, margin+(width-2*margin-b.w)/2, margin)
	if len(ls) > 0 {
		x, y := margin, height-margin-legendH/2+4
		for _, st := range ls {
			c := styleOf(st)
			s.ew.printf(`<rect x="%s" y="%s" width="16" height="12" rx="3" fill="%s" stroke="%s"/>`+"\n", num(x), num(y-10), c.fill, c.stroke)
			s.ew.printf(`<text x="%s" y="%s" font-size="11" fill="#333333">%s</text>`+"\n", num(x+22), num(y), xmlText.Replace(c.legend))
			x += 22 + textWidth(c.legend, 11, false) + 16
		}
	}
	s.ew.printf("</svg>\n")
	return s.ew.err
}

// block draws a machine's layout with its origin at (ox, oy): the frames of its Parallel and Map states
// (and what they hold) first, then its edges, its states and the labels on top.
func (s *svg) block(b *block, ox, oy float64) {
	for _, v := range b.verts {
		if v.compound != nil {
			s.compound(v, ox, oy)
		}
	}
	for _, e := range b.edges {
		s.edge(e, ox, oy, b.verts[e.to].kind != vExit)
	}
	nth := map[int]int{}
	for _, e := range b.loops {
		s.loop(b.verts[e.from], e, nth[e.from], ox, oy)
		nth[e.from]++
	}
	for _, v := range b.verts {
		x, y := ox+v.x-v.w/2, oy+v.y-v.h/2
		switch {
		case v.kind == vStart || v.kind == vEnd:
			text := "Start"
			if v.kind == vEnd {
				text = "End"
			}
			s.ew.printf(`<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="#eeeeee" stroke="#4d4d4d"/>`+"\n",
				num(x), num(y), num(v.w), num(v.h), num(v.h/2))
			s.ew.printf(`<text x="%s" y="%s" font-size="12" text-anchor="middle" fill="#222222">%s</text>`+"\n", num(ox+v.x), num(oy+v.y+4), text)
		case v.kind == vState && v.compound == nil:
			s.node(v.node, x, y, v.w, v.h)
		}
	}
	for _, e := range b.edges {
		if e.label == "" {
			continue
		}
		color := "#444444"
		if e.kind == KindCatch {
			color = catchRed
		}
		w := textWidth(e.label, labelSize, false) + 4
		x, y := ox+e.labelAt.x, oy+e.labelAt.y
		s.ew.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff" fill-opacity="0.85"/>`+"\n",
			num(x-2), num(y-labelSize/2-2), num(w), num(labelSize+4))
		s.ew.printf(`<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`+"\n",
			num(x), num(y+labelSize/2-1.5), num(labelSize), color, xmlText.Replace(e.label))
	}
}

// node draws a state's box: its name, and its type under it.
func (s *svg) node(n *Node, x, y, w, h float64) {
	c := styleOf(n.Status)
	s.ew.printf(`<g><title>%s</title>`, xmlText.Replace(n.ID))
	s.ew.printf(`<rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s" stroke="%s" stroke-width="1.2"/>`,
		num(x), num(y), num(w), num(h), c.fill, c.stroke)
	s.ew.printf(`<text x="%s" y="%s" font-size="12" font-weight="bold" text-anchor="middle" fill="#222222">%s</text>`,
		num(x+w/2), num(y+17), xmlText.Replace(n.Name))
	s.ew.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="middle" fill="#666666">%s</text></g>`+"\n",
		num(x+w/2), num(y+31), num(labelSize), xmlText.Replace(subtitle(n)))
}

// edge draws an edge's polyline and its arrowhead (none where it goes on to a join).
func (s *svg) edge(e *lEdge, ox, oy float64, arrow bool) {
	d := pathOf(e.route, ox, oy)
	attrs := `stroke="` + edgeColor + `" marker-end="url(#arrow)"`
	if e.kind == KindCatch {
		attrs = `stroke="` + catchRed + `" stroke-dasharray="5,3" marker-end="url(#arrow-catch)"`
	}
	if !arrow {
		attrs = attrs[:strings.Index(attrs, " marker-end")]
	}
	s.ew.printf(`<path d="%s" fill="none" stroke-width="1.2" %s/>`+"\n", d, attrs)
}

// bendR is the radius of an edge's bends.
const bendR = 8.0

// pathOf writes a polyline, moved by (ox, oy), with its bends rounded.
func pathOf(pts []point, ox, oy float64) string {
	var d strings.Builder
	at := func(cmd string, p point) { d.WriteString(cmd + num(ox+p.x) + "," + num(oy+p.y)) }
	at("M", pts[0])
	for i := 1; i < len(pts)-1; i++ {
		prev, p, next := pts[i-1], pts[i], pts[i+1]
		in, out := math.Hypot(p.x-prev.x, p.y-prev.y), math.Hypot(next.x-p.x, next.y-p.y)
		r := min(bendR, in/2, out/2)
		if r < 0.5 {
			at("L", p)
			continue
		}
		at("L", point{p.x - (p.x-prev.x)/in*r, p.y - (p.y-prev.y)/in*r})
		at("Q", p)
		d.WriteString(" ")
		at("", point{p.x + (next.x-p.x)/out*r, p.y + (next.y-p.y)/out*r})
	}
	at("L", pts[len(pts)-1])
	return d.String()
}

// loop draws a state's k-th edge to itself, as a curve on its right, its label beside the outermost.
func (s *svg) loop(v *vertex, e *lEdge, k int, ox, oy float64) {
	x, y := ox+v.x+v.w/2, oy+v.y
	attrs := `stroke="` + edgeColor + `" marker-end="url(#arrow)"`
	color := "#444444"
	if e.kind == KindCatch {
		attrs = `stroke="` + catchRed + `" stroke-dasharray="5,3" marker-end="url(#arrow-catch)"`
		color = catchRed
	}
	reach, rise := loopReach(k), 8+3*float64(k)
	s.ew.printf(`<path d="M%s,%sC%s,%s %s,%s %s,%s" fill="none" stroke-width="1.2" %s/>`+"\n",
		num(x), num(y-rise), num(x+reach), num(y-rise-18), num(x+reach), num(y+rise+18), num(x), num(y+rise), attrs)
	if e.label != "" {
		s.ew.printf(`<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`+"\n",
			num(x+loopReach(v.loops-1)+6), num(y+3+12*(float64(k)-float64(v.loops-1)/2)), num(labelSize), color, xmlText.Replace(e.label))
	}
}

// compound draws a Parallel or Map: its dashed frame, its state, its branches in frames, and its join.
func (s *svg) compound(v *vertex, ox, oy float64) {
	c := v.compound
	fx, fy := ox+v.x-v.w/2, oy+v.y-v.h/2
	cx := fx + v.w/2
	s.ew.printf(`<rect x="%s" y="%s" width="%s" height="%s" rx="10" fill="none" stroke="#9e9e9e" stroke-dasharray="4,3"/>`+"\n",
		num(fx), num(fy), num(v.w), num(v.h))
	frameBottom := c.joinY - layerGap
	for i, bl := range c.branches {
		bx, by := fx+c.branchX[i], fy+c.branchY
		w := frameW(bl, c.titles[i])
		s.ew.printf(`<rect x="%s" y="%s" width="%s" height="%s" rx="8" fill="#f7f7f7" stroke="#c4c4c4"/>`+"\n",
			num(bx), num(by), num(w), num(frameBottom-c.branchY))
		inX, inY := bx+(w-bl.w)/2, by+titleH
		entry, exit := bl.verts[0], bl.verts[0]
		for _, x := range bl.verts {
			if x.kind == vExit {
				exit = x
			}
		}
		// The title takes the side the edge from the state does not come down.
		tx, anchor := bx+8, "start"
		if inX+entry.x < bx+w/2 {
			tx, anchor = bx+w-8, "end"
		}
		s.ew.printf(`<text x="%s" y="%s" font-size="%s" font-weight="bold" text-anchor="%s" fill="#777777">%s</text>`+"\n",
			num(tx), num(by+13), num(labelSize), anchor, xmlText.Replace(c.titles[i]))
		s.ew.printf(`<path d="M%s,%sL%s,%s" fill="none" stroke="%s" stroke-width="1.2"/>`+"\n",
			num(cx), num(fy+clusterPad+c.head.h), num(inX+entry.x), num(inY+entry.y), edgeColor)
		s.ew.printf(`<path d="M%s,%sL%s,%sL%s,%s" fill="none" stroke="%s" stroke-width="1.2" marker-end="url(#arrow)"/>`+"\n",
			num(inX+exit.x), num(inY+exit.y), num(inX+exit.x), num(fy+frameBottom), num(cx), num(fy+c.joinY-joinR), edgeColor)
		s.block(bl, inX, inY)
	}
	s.node(v.node, cx-c.head.w/2, fy+clusterPad, c.head.w, c.head.h)
	s.ew.printf(`<circle cx="%s" cy="%s" r="%s" fill="%s"/>`+"\n", num(cx), num(fy+c.joinY), num(joinR), edgeColor)
}
