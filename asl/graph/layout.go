package graph

import (
	"math"
	"slices"
)

// The layout's measures, in SVG user units (pixels).
const (
	nodeH      = 40.0
	nodeMinW   = 96.0
	nodePadX   = 14.0
	ovalW      = 64.0
	ovalH      = 28.0
	layerGap   = 34.0 // between two layers
	nodeGap    = 28.0 // between two nodes of a layer
	dummyGap   = 12.0 // beside a bend point of a long edge
	clusterPad = 12.0 // inside a Parallel's or Map's frame
	titleH     = 18.0 // a branch frame's title
	branchGap  = 20.0 // between two branch frames
	joinR      = 5.0
	loopW      = 34.0 // a loop's curve, beside its state
	labelSize  = 10.0
	sweeps     = 6 // barycenter ordering: down and up sweeps
	passes     = 6 // coordinate passes
)

// The kinds of vertex.
const (
	vState = iota
	vStart
	vEnd
	vEntry // a branch's entry point, under its Parallel or Map state
	vExit  // a branch's exit point, above its join
	vDummy // a bend of an edge that spans layers; it may carry the edge's label
)

type point struct{ x, y float64 }

// vertex is a box of one layered layout: a state, a pseudo node or a bend of a long edge. x and y are
// its centre.
type vertex struct {
	kind     int
	node     *Node
	compound *compound
	// label is the label of the edge whose first bend this is: the bend is as wide as the label.
	label        string
	w, h         float64
	layer, order int
	x, y         float64
	// band is the height of the vertex's layer: a long edge passes a layer straight down.
	band float64
	// loops counts its loops (edges to itself), which take loopW on its right: nested curves, and their
	// labels (loopLabelW the widest) stacked beside the outermost.
	loops             int
	loopW, loopLabelW float64
}

// loopReach is how far the k-th loop of a state reaches to its right.
func loopReach(k int) float64 { return loopW + 14*float64(k) }

// lEdge is an edge of a layered layout; chain lists its vertices from the edge's source to its target,
// bends included.
type lEdge struct {
	from, to int
	label    string
	kind     string
	// reversed: the edge goes up (it closes a loop), so the layering saw it the other way round.
	reversed bool
	chain    []int
	route    []point
	labelAt  point
}

// block is the layout of one machine, with its origin at the top left.
type block struct {
	verts []*vertex
	edges []*lEdge
	// loops are edges from a state to itself.
	loops []*lEdge
	w, h  float64
}

// compound is the layout of a Parallel or Map state: its state on top, its branches side by side in
// frames, its join below; offsets are from the compound's top left.
type compound struct {
	head           *vertex
	branches       []*block
	titles         []string
	branchX        []float64
	branchY, joinY float64
	w, h           float64
}

// layout lays out a machine: top is the whole definition (Start and End ovals), otherwise a branch
// (entry and exit points).
func layout(g *Graph, top bool) *block {
	b := &block{}
	source, sink := &vertex{kind: vEntry}, &vertex{kind: vExit}
	if top {
		source = &vertex{kind: vStart, w: ovalW, h: ovalH}
		sink = &vertex{kind: vEnd, w: ovalW, h: ovalH}
	}
	b.verts = append(b.verts, source)
	at := map[string]int{}
	for _, n := range g.Nodes {
		at[n.ID] = len(b.verts)
		b.verts = append(b.verts, stateVertex(n))
	}
	sinkAt := len(b.verts)
	b.verts = append(b.verts, sink)
	add := func(from, to int, label, kind string) {
		e := &lEdge{from: from, to: to, label: label, kind: kind}
		if from == to {
			b.loops = append(b.loops, e)
			v := b.verts[from]
			v.loops++
			v.loopLabelW = max(v.loopLabelW, textWidth(label, labelSize, false))
			v.loopW = loopReach(v.loops-1) + 6 + v.loopLabelW
			return
		}
		b.edges = append(b.edges, e)
	}
	if i, ok := at[g.StartAt]; ok {
		add(0, i, "", KindNext)
	}
	for _, e := range g.Edges {
		from, ok1 := at[e.From]
		to, ok2 := at[e.To]
		if !ok1 || !ok2 {
			continue
		}
		label := e.Label
		if e.Kind == KindDefault {
			label = "Default"
		}
		add(from, to, label, e.Kind)
	}
	for _, n := range g.Nodes {
		if n.End {
			add(at[n.ID], sinkAt, "", KindNext)
		}
	}
	b.breakCycles()
	b.assignLayers(sinkAt)
	layers := b.addBends()
	b.order(layers)
	b.place(layers)
	b.routes()
	return b
}

// stateVertex sizes a state's box, or lays out a Parallel's or Map's compound.
func stateVertex(n *Node) *vertex {
	w := max(textWidth(n.Name, 12, true), textWidth(subtitle(n), labelSize, false)) + 2*nodePadX
	v := &vertex{kind: vState, node: n, w: max(w, nodeMinW), h: nodeH}
	if len(n.Branches) == 0 {
		return v
	}
	c := &compound{head: v}
	inner, tallest := 0.0, 0.0
	for i, br := range n.Branches {
		bl := layout(br, false)
		c.branches = append(c.branches, bl)
		title := branchTitle(n, i)
		c.titles = append(c.titles, title)
		if i > 0 {
			inner += branchGap
		}
		c.branchX = append(c.branchX, inner)
		inner += frameW(bl, title)
		tallest = max(tallest, frameH(bl))
	}
	c.w = max(v.w, inner) + 2*clusterPad
	shift := (c.w - inner) / 2
	for i := range c.branchX {
		c.branchX[i] += shift
	}
	c.branchY = clusterPad + v.h + layerGap
	c.joinY = c.branchY + tallest + layerGap
	c.h = c.joinY + joinR + clusterPad
	return &vertex{kind: vState, node: n, compound: c, w: c.w, h: c.h}
}

// frameW and frameH are the size of a branch's frame: its block, a margin, and its title on top, wide
// enough for the title to stay clear of the edge coming in at the middle.
func frameW(b *block, title string) float64 {
	return max(b.w, 2*textWidth(title, labelSize, true)+16) + 2*clusterPad
}

func frameH(b *block) float64 { return titleH + b.h + clusterPad }

// breakCycles turns the edges that close a loop (found by a depth-first search from the source) so that
// the layering sees no cycle. The search takes a state's edges in the order of their targets in the
// definition, which is how its author reads it: a Choice whose rule jumps ahead and whose Default goes to
// the next state follows the Default first, so that the jump, not the way back, goes down.
func (b *block) breakCycles() {
	out := make([][]*lEdge, len(b.verts))
	for _, e := range b.edges {
		out[e.from] = append(out[e.from], e)
	}
	for _, es := range out {
		slices.SortStableFunc(es, func(x, y *lEdge) int { return x.to - y.to })
	}
	const (
		unseen = iota
		open
		done
	)
	state := make([]int, len(b.verts))
	var visit func(v int)
	visit = func(v int) {
		state[v] = open
		for _, e := range out[v] {
			switch state[e.to] {
			case unseen:
				visit(e.to)
			case open:
				e.reversed = true
			}
		}
		state[v] = done
	}
	for v := range b.verts {
		if state[v] == unseen {
			visit(v)
		}
	}
}

// ends is an edge's source and target as the layering sees them.
func (e *lEdge) ends() (int, int) {
	if e.reversed {
		return e.to, e.from
	}
	return e.from, e.to
}

// assignLayers puts each vertex on the longest path from the top: a labelled edge spans two layers, to
// leave its label room; the sink is alone at the bottom.
func (b *block) assignLayers(sink int) {
	in := make([]int, len(b.verts))
	out := make([][]*lEdge, len(b.verts))
	for _, e := range b.edges {
		from, to := e.ends()
		out[from] = append(out[from], e)
		in[to]++
	}
	var queue []int
	for v := range b.verts {
		if in[v] == 0 {
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range out[v] {
			_, to := e.ends()
			span := 1
			if e.label != "" {
				span = 2
			}
			b.verts[to].layer = max(b.verts[to].layer, b.verts[v].layer+span)
			if in[to]--; in[to] == 0 {
				queue = append(queue, to)
			}
		}
	}
	last := 0
	for v, x := range b.verts {
		if v != sink {
			last = max(last, x.layer)
		}
	}
	b.verts[sink].layer = last + 1
}

// addBends gives every edge that spans more than one layer a bend vertex on each layer between, and
// returns the layers' vertices in their first order: as met by the edges, in the definition's order.
func (b *block) addBends() [][]int {
	for _, e := range b.edges {
		from, to := e.ends()
		chain := []int{from}
		for l := b.verts[from].layer + 1; l < b.verts[to].layer; l++ {
			d := &vertex{kind: vDummy, layer: l}
			if l == b.verts[from].layer+1 && e.label != "" {
				d.label = e.label
				d.w, d.h = textWidth(e.label, labelSize, false)+8, labelSize+6
			}
			chain = append(chain, len(b.verts))
			b.verts = append(b.verts, d)
		}
		chain = append(chain, to)
		if e.reversed {
			slices.Reverse(chain)
		}
		e.chain = chain
	}
	depth := 0
	for _, v := range b.verts {
		depth = max(depth, v.layer+1)
	}
	layers := make([][]int, depth)
	placed := make([]bool, len(b.verts))
	put := func(v int) {
		if !placed[v] {
			placed[v] = true
			layers[b.verts[v].layer] = append(layers[b.verts[v].layer], v)
		}
	}
	// A vertex's bends come after it: those of the edges it starts, and of the edges back up to it.
	bends := make([][]*lEdge, len(b.verts))
	for _, e := range b.edges {
		bends[e.from] = append(bends[e.from], e)
		if e.reversed {
			bends[e.to] = append(bends[e.to], e)
		}
	}
	for v, x := range b.verts {
		if x.kind == vDummy {
			continue
		}
		put(v)
		for _, e := range bends[v] {
			for _, c := range e.chain {
				if b.verts[c].kind == vDummy {
					put(c)
				}
			}
		}
	}
	return layers
}

// segments lists the pairs of vertices on adjacent layers that the edges join, upper one first.
func (b *block) segments() [][2]int {
	var out [][2]int
	for _, e := range b.edges {
		for i := 0; i+1 < len(e.chain); i++ {
			u, v := e.chain[i], e.chain[i+1]
			if b.verts[u].layer > b.verts[v].layer {
				u, v = v, u
			}
			out = append(out, [2]int{u, v})
		}
	}
	return out
}

// order sorts each layer to cross few edges: barycenter sweeps down and up, keeping the best order seen.
func (b *block) order(layers [][]int) {
	segs := b.segments()
	up := make([][]int, len(b.verts))
	down := make([][]int, len(b.verts))
	for _, s := range segs {
		down[s[0]] = append(down[s[0]], s[1])
		up[s[1]] = append(up[s[1]], s[0])
	}
	number := func() {
		for _, l := range layers {
			for i, v := range l {
				b.verts[v].order = i
			}
		}
	}
	number()
	best := cloneLayers(layers)
	bestCross := b.crossings(layers, segs)
	sortBy := func(l []int, nb [][]int) {
		key := make(map[int]float64, len(l))
		for _, v := range l {
			if len(nb[v]) == 0 {
				key[v] = float64(b.verts[v].order)
				continue
			}
			sum := 0.0
			for _, u := range nb[v] {
				sum += float64(b.verts[u].order)
			}
			key[v] = sum / float64(len(nb[v]))
		}
		slices.SortStableFunc(l, func(x, y int) int {
			switch {
			case key[x] < key[y]:
				return -1
			case key[x] > key[y]:
				return 1
			}
			return 0
		})
		for i, v := range l {
			b.verts[v].order = i
		}
	}
	for i := 0; i < sweeps && bestCross > 0; i++ {
		if i%2 == 0 {
			for l := 1; l < len(layers); l++ {
				sortBy(layers[l], up)
			}
		} else {
			for l := len(layers) - 2; l >= 0; l-- {
				sortBy(layers[l], down)
			}
		}
		if c := b.crossings(layers, segs); c < bestCross {
			bestCross, best = c, cloneLayers(layers)
		}
	}
	copy(layers, best)
	number()
}

func cloneLayers(layers [][]int) [][]int {
	out := make([][]int, len(layers))
	for i, l := range layers {
		out[i] = slices.Clone(l)
	}
	return out
}

// crossings counts the pairs of segments that cross, with the order the layers hold now.
func (b *block) crossings(layers [][]int, segs [][2]int) int {
	pos := make([]int, len(b.verts))
	for _, l := range layers {
		for i, v := range l {
			pos[v] = i
		}
	}
	n := 0
	for i, s := range segs {
		for _, t := range segs[i+1:] {
			if b.verts[s[0]].layer != b.verts[t[0]].layer {
				continue
			}
			a, c := pos[s[0]]-pos[t[0]], pos[s[1]]-pos[t[1]]
			if a*c < 0 {
				n++
			}
		}
	}
	return n
}

// place sets the vertices' coordinates: layers one under the other, and in each layer the positions
// nearest (in least squares) to the mean of the neighbours' positions that keep the order and the gaps,
// in passes down, up and both ways.
func (b *block) place(layers [][]int) {
	y := 0.0
	for _, l := range layers {
		h := 0.0
		for _, v := range l {
			h = max(h, b.verts[v].h)
		}
		for _, v := range l {
			b.verts[v].y = y + h/2
			b.verts[v].band = h
		}
		if h > 0 || len(l) > 0 {
			y += h + layerGap
		}
	}
	segs := b.segments()
	up := make([][]int, len(b.verts))
	down := make([][]int, len(b.verts))
	for _, s := range segs {
		down[s[0]] = append(down[s[0]], s[1])
		up[s[1]] = append(up[s[1]], s[0])
	}
	for _, l := range layers {
		b.fit(l, func(v int) (float64, bool) { return 0, false })
	}
	mean := func(nbs ...[][]int) func(int) (float64, bool) {
		return func(v int) (float64, bool) {
			sum, n := 0.0, 0
			for _, nb := range nbs {
				for _, u := range nb[v] {
					sum += b.verts[u].x
					n++
				}
			}
			if n == 0 {
				return 0, false
			}
			return sum / float64(n), true
		}
	}
	for p := 0; p < passes; p++ {
		switch p % 3 {
		case 0:
			for l := 1; l < len(layers); l++ {
				b.fit(layers[l], mean(up))
			}
		case 1:
			for l := len(layers) - 2; l >= 0; l-- {
				b.fit(layers[l], mean(down))
			}
		default:
			for _, l := range layers {
				b.fit(l, mean(up, down))
			}
		}
	}
	b.straighten(layers)
	left, right := math.Inf(1), math.Inf(-1)
	for _, v := range b.verts {
		left = min(left, v.x-v.w/2)
		right = max(right, v.x+v.w/2+v.loopW)
	}
	for _, v := range b.verts {
		v.x -= left
	}
	b.w = right - left
	b.h = max(0, y-layerGap)
}

// straighten lines up the bends of each long edge on one vertical, their median, as far as their
// neighbours in each layer let them move: the placement leaves them a few units apart.
func (b *block) straighten(layers [][]int) {
	slot := make([]int, len(b.verts)) // a vertex's place in its layer
	for _, l := range layers {
		for i, v := range l {
			slot[v] = i
		}
	}
	for _, e := range b.edges {
		var xs []float64
		for _, c := range e.chain {
			if v := b.verts[c]; v.kind == vDummy && v.label == "" {
				xs = append(xs, v.x)
			}
		}
		if len(xs) < 2 {
			continue
		}
		slices.Sort(xs)
		want := xs[len(xs)/2]
		for _, c := range e.chain {
			v := b.verts[c]
			if v.kind != vDummy || v.label != "" {
				continue
			}
			l := layers[v.layer]
			lo, hi := math.Inf(-1), math.Inf(1)
			if i := slot[c]; i > 0 {
				u := b.verts[l[i-1]]
				lo = u.x + u.w/2 + u.loopW + b.gap(u, v) + v.w/2
			}
			if i := slot[c]; i+1 < len(l) {
				u := b.verts[l[i+1]]
				hi = u.x - u.w/2 - b.gap(v, u) - v.w/2
			}
			v.x = max(lo, min(hi, want))
		}
	}
}

// gap is the room between two neighbours of a layer.
func (b *block) gap(u, v *vertex) float64 {
	if u.kind == vDummy || v.kind == vDummy {
		return dummyGap
	}
	return nodeGap
}

// fit places one layer's vertices, in their order, as near as it can to where want puts them (vertices
// it has no wish for stay where they are): an isotonic regression by pooling adjacent violators, on the
// positions less the gaps they need.
func (b *block) fit(l []int, want func(int) (float64, bool)) {
	if len(l) == 0 {
		return
	}
	offset := make([]float64, len(l))
	for i := 1; i < len(l); i++ {
		u, v := b.verts[l[i-1]], b.verts[l[i]]
		offset[i] = offset[i-1] + u.w/2 + u.loopW + b.gap(u, v) + v.w/2
	}
	type pool struct {
		sum   float64
		n     int
		count int
	}
	var pools []pool
	for i, v := range l {
		x, ok := want(v)
		if !ok {
			x = b.verts[v].x
		}
		pools = append(pools, pool{sum: x - offset[i], n: 1, count: 1})
		for len(pools) > 1 {
			p, q := pools[len(pools)-2], pools[len(pools)-1]
			if p.sum/float64(p.n) <= q.sum/float64(q.n) {
				break
			}
			pools = pools[:len(pools)-2]
			pools = append(pools, pool{sum: p.sum + q.sum, n: p.n + q.n, count: p.count + q.count})
		}
	}
	i := 0
	for _, p := range pools {
		base := p.sum / float64(p.n)
		for k := 0; k < p.count; k++ {
			b.verts[l[i]].x = base + offset[i]
			i++
		}
	}
}

// in and out are where edges reach and leave a vertex: the top and the bottom of its box (of a
// compound's state and join); a labelled bend has the edge pass at its left, the label to the right.
func (v *vertex) in() point {
	if v.kind == vDummy {
		return v.pass()
	}
	if v.compound != nil {
		return point{v.x, v.y - v.h/2 + clusterPad}
	}
	return point{v.x, v.y - v.h/2}
}

func (v *vertex) out() point {
	if v.kind == vDummy {
		return v.pass()
	}
	if v.compound != nil {
		return point{v.x, v.y + v.h/2 - clusterPad}
	}
	return point{v.x, v.y + v.h/2}
}

func (v *vertex) pass() point {
	if v.label != "" {
		return point{v.x - v.w/2, v.y}
	}
	return point{v.x, v.y}
}

// routes draws each edge through its bends: from the bottom of its source to the top of its target,
// straight down through the layers between; an edge that goes up (it closes a loop) leaves its source by
// the top and reaches its target's bottom. The edges that meet one side of a state are spread along it,
// in the order of where they come from or go to.
func (b *block) routes() {
	for _, e := range b.edges {
		var pts []point
		for i, c := range e.chain {
			v := b.verts[c]
			switch {
			case i == 0 && e.reversed:
				pts = append(pts, v.in())
			case i == 0:
				pts = append(pts, v.out())
			case i == len(e.chain)-1 && e.reversed:
				pts = append(pts, v.out())
			case i == len(e.chain)-1:
				pts = append(pts, v.in())
			default:
				p := v.pass()
				top, bottom := point{p.x, v.y - v.band/2}, point{p.x, v.y + v.band/2}
				if e.reversed {
					top, bottom = bottom, top
				}
				pts = append(pts, top, bottom)
				if v.label != "" {
					e.labelAt = point{v.x - v.w/2 + 6, v.y}
				}
			}
		}
		if e.label != "" && len(e.chain) == 2 {
			e.labelAt = point{(pts[0].x+pts[1].x)/2 + 6, (pts[0].y + pts[1].y) / 2}
		}
		e.route = pts
	}
	b.spread()
}

// end is where an edge meets a state: the route's point there and the next point along the edge.
type end struct {
	e        *lEdge
	at, next int
}

// spread moves apart the ends of the edges that meet the same side of a state, in the order of the next
// points along them; a compound's edges leave from its join, a single point.
func (b *block) spread() {
	type side struct {
		v      int
		bottom bool
	}
	ends := map[side][]end{}
	var order []side
	meet := func(sd side, en end) {
		if b.verts[sd.v].kind == vDummy {
			return
		}
		if _, seen := ends[sd]; !seen {
			order = append(order, sd)
		}
		ends[sd] = append(ends[sd], en)
	}
	for _, e := range b.edges {
		last := len(e.route) - 1
		meet(side{e.chain[0], !e.reversed}, end{e, 0, 1})
		meet(side{e.chain[len(e.chain)-1], e.reversed}, end{e, last, last - 1})
	}
	for _, sd := range order {
		es := ends[sd]
		if len(es) < 2 {
			continue
		}
		slices.SortStableFunc(es, func(x, y end) int {
			switch a, c := x.e.route[x.next].x, y.e.route[y.next].x; {
			case a < c:
				return -1
			case a > c:
				return 1
			}
			return 0
		})
		v := b.verts[sd.v]
		width := v.w * 0.6
		if v.compound != nil {
			width = v.compound.head.w * 0.6
			if sd.bottom {
				width = 0
			}
		}
		gap := min(14, width/float64(len(es)-1))
		for k, en := range es {
			en.e.route[en.at].x += (float64(k) - float64(len(es)-1)/2) * gap
		}
	}
}
