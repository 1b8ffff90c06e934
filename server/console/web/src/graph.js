// The definition's graph: laid out by dagre, drawn as SVG. A Parallel's branches and a Map's processor are
// laid out on their own first, then placed inside their state's box, which the enclosing layout sizes to
// fit them: dagre's own compound graphs cannot draw edges into a cluster.
import dagre from '@dagrejs/dagre';
import { h, s } from './dom.js';

const FONT = '13px system-ui, sans-serif';
const SMALL = '11px system-ui, sans-serif';
const PAD = 12; // inside a state's box
const HEADER = 38; // a Parallel's or Map's title, above its branches
const GAP = 16; // between branches
const START = '\u0000start';
const END = '\u0000end';
const MARK = 18; // the start and end circles' diameter

let measurer;
function textWidth(text, font) {
  measurer ||= document.createElement('canvas').getContext('2d');
  measurer.font = font;
  return Math.ceil(measurer.measureText(text).width);
}

function startOf(g) {
  return g.startAt ?? g.start ?? g.StartAt ?? (g.nodes?.[0]?.id);
}

// ends tells whether a state ends its (sub)graph: End, Succeed or Fail.
function ends(n) {
  return n.end || n.type === 'Succeed' || n.type === 'Fail';
}

// layout places one graph (the definition, a branch or a processor); the result's coordinates are its own.
function layout(g) {
  const G = new dagre.graphlib.Graph({ multigraph: true });
  G.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, edgesep: 12, marginx: 12, marginy: 12 });
  const nodes = new Map();
  for (const n of g.nodes || []) {
    const inner = (n.branches || []).map(layout);
    let width;
    let height;
    if (inner.length) {
      width = Math.max(inner.reduce((w, b) => w + b.width, 0) + GAP * (inner.length - 1) + 2 * PAD,
        textWidth(n.name, FONT) + 2 * PAD + 60);
      height = Math.max(...inner.map((b) => b.height)) + HEADER + PAD;
    } else {
      width = Math.max(textWidth(n.name, FONT), textWidth(n.type, SMALL)) + 2 * PAD + 8;
      height = 44;
    }
    nodes.set(n.id, { n, inner, width, height });
    G.setNode(n.id, { width, height });
  }
  G.setNode(START, { width: MARK, height: MARK });
  G.setNode(END, { width: MARK, height: MARK });
  const edges = [];
  const start = startOf(g);
  if (start != null && nodes.has(start)) edges.push({ from: START, to: start, kind: 'start' });
  for (const { n } of nodes.values()) if (ends(n)) edges.push({ from: n.id, to: END, kind: 'end' });
  for (const e of g.edges || []) {
    if (nodes.has(e.from) && nodes.has(e.to)) edges.push(e);
  }
  edges.forEach((e, i) => {
    const label = e.label || (e.kind === 'default' ? 'Default' : '');
    const attrs = label
      ? { label, width: Math.min(textWidth(label, SMALL), 220) + 8, height: 16, labelpos: 'c' }
      : {};
    G.setEdge(e.from, e.to, attrs, `e${i}`);
  });
  dagre.layout(G);
  const placed = [...nodes.values()].map((p) => ({ ...p, x: G.node(p.n.id).x, y: G.node(p.n.id).y }));
  const drawn = edges.map((e, i) => ({ ...e, ...G.edge({ v: e.from, w: e.to, name: `e${i}` }) }));
  const { width, height } = G.graph();
  return { width, height, nodes: placed, edges: drawn, start: G.node(START), end: G.node(END), hasStart: start != null };
}

function path(points) {
  const [p0, ...rest] = points;
  let d = `M${p0.x},${p0.y}`;
  if (rest.length === 1) return `${d}L${rest[0].x},${rest[0].y}`;
  // Through the midpoints, with the points as controls: smooth, and still ends where dagre put the end.
  for (let i = 0; i < rest.length - 1; i++) {
    const mid = { x: (rest[i].x + rest[i + 1].x) / 2, y: (rest[i].y + rest[i + 1].y) / 2 };
    d += `Q${rest[i].x},${rest[i].y} ${i === rest.length - 2 ? `${rest[i + 1].x},${rest[i + 1].y}` : `${mid.x},${mid.y}`}`;
  }
  return d;
}

// describe is a state's title, which also says what it did: the colours are not the only sign.
function describe(n, status) {
  return `${n.name} (${n.type})${status ? `: ${status}` : ''}${n.resource ? `\n${n.resource}` : ''}`;
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// draw renders a layout into an SVG group at (ox, oy); boxes collects each state's group by name.
function draw(l, ox, oy, boxes) {
  const g = s('g', { transform: `translate(${ox},${oy})` });
  for (const e of l.edges) {
    const cls = `edge kind-${e.kind || 'next'}`;
    g.append(s('path', { class: cls, d: path(e.points), 'marker-end': 'url(#arrow)' }));
    if (e.label != null && e.x != null && e.width) {
      g.append(s('g', { class: `edge-label kind-${e.kind || 'next'}`, transform: `translate(${e.x},${e.y})` },
        s('rect', { x: -e.width / 2, y: -8, width: e.width, height: 16, rx: 3 }),
        s('text', { y: 4, 'text-anchor': 'middle' }, clip(e.label, 36)),
        s('title', {}, e.label)));
    }
  }
  if (l.hasStart) {
    g.append(s('circle', { class: 'mark start', cx: l.start.x, cy: l.start.y, r: MARK / 2 }, s('title', {}, 'Start')));
  }
  if (l.edges.some((e) => e.to === END)) {
    g.append(s('circle', { class: 'mark end', cx: l.end.x, cy: l.end.y, r: MARK / 2 }, s('title', {}, 'End')));
  }
  for (const p of l.nodes) {
    const x = p.x - p.width / 2;
    const y = p.y - p.height / 2;
    const status = p.n.status ? ` st-${p.n.status.toLowerCase()}` : '';
    const box = s('g', { class: `state type-${p.n.type.toLowerCase()}${p.inner.length ? ' cluster' : ''}${status}`, 'data-name': p.n.name },
      s('title', {}, describe(p.n, p.n.status)),
      s('rect', { class: 'box', x, y, width: p.width, height: p.height, rx: 6 }));
    if (p.inner.length) {
      box.append(
        s('text', { class: 'name', x: x + PAD, y: y + 18 }, p.n.name),
        s('text', { class: 'type', x: x + PAD, y: y + 32 }, p.n.type === 'Map' ? 'Map: item processor' : `Parallel: ${p.inner.length} branches`));
      let bx = x + PAD;
      for (const b of p.inner) {
        box.append(s('rect', { class: 'branch', x: bx, y: y + HEADER, width: b.width, height: b.height, rx: 4 }));
        box.append(draw(b, bx, y + HEADER, boxes));
        bx += b.width + GAP;
      }
    } else {
      box.append(
        s('text', { class: 'name', x: p.x, y: p.y - 2, 'text-anchor': 'middle' }, p.n.name),
        s('text', { class: 'type', x: p.x, y: p.y + 13, 'text-anchor': 'middle' }, p.n.type));
    }
    (boxes.get(p.n.name) || boxes.set(p.n.name, []).get(p.n.name)).push({ box, n: p.n });
    g.append(box);
  }
  return g;
}

// renderGraph draws a graph (the console's graph endpoint) and returns the figure and a paint function
// that colours states by name: paint(new Map([[name, 'running' | 'succeeded' | 'failed' | 'caught' |
// 'cancelled']])).
export function renderGraph(graph, title) {
  const l = layout(graph);
  const boxes = new Map();
  const width = Math.ceil(l.width);
  const height = Math.ceil(l.height);
  const svg = s('svg', { class: 'graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title },
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0L10,5L0,10z', class: 'arrowhead' }))),
    draw(l, 0, 0, boxes));
  const paint = (statuses) => {
    for (const [name, els] of boxes) {
      const st = statuses.get(name);
      for (const { box, n } of els) {
        box.classList.remove('st-running', 'st-succeeded', 'st-failed', 'st-caught', 'st-cancelled');
        if (st) box.classList.add(`st-${st}`);
        box.querySelector(':scope > title').textContent = describe(n, st);
      }
    }
  };
  return { figure: h('figure', { class: 'graph-box' }, svg), paint };
}

export function legend() {
  const item = (cls, text) => h('span', { class: `legend-item st-${cls}` }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), text);
  return h('p', { class: 'legend' }, item('none', 'not run'), item('running', 'in progress'), item('succeeded', 'succeeded'),
    item('failed', 'failed'), item('caught', 'caught'), item('cancelled', 'cancelled'));
}
