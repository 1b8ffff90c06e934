// Collapsible JSON: objects and arrays are <details> elements, open to the depth given.
import { h } from './dom.js';

function leaf(v) {
  if (v === null) return h('span', { class: 'j-null' }, 'null');
  switch (typeof v) {
    case 'string': return h('span', { class: 'j-str' }, JSON.stringify(v));
    case 'number': return h('span', { class: 'j-num' }, String(v));
    case 'boolean': return h('span', { class: 'j-bool' }, String(v));
    default: return h('span', {}, String(v));
  }
}

function node(key, v, depth, open) {
  const label = key == null ? null : h('span', { class: 'j-key' }, `${JSON.stringify(key)}: `);
  if (v === null || typeof v !== 'object') return h('div', { class: 'j-row' }, label, leaf(v));
  const isArray = Array.isArray(v);
  const entries = isArray ? v.map((x, i) => [i, x]) : Object.entries(v);
  const [l, r] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return h('div', { class: 'j-row' }, label, `${l}${r}`);
  const summary = isArray ? `${entries.length} item${entries.length === 1 ? '' : 's'}` : `${entries.length} key${entries.length === 1 ? '' : 's'}`;
  return h('details', { class: 'j-node', open: depth < open },
    h('summary', {}, label, h('span', { class: 'j-brace' }, l), h('span', { class: 'j-count' }, ` ${summary} `), h('span', { class: 'j-brace' }, r)),
    h('div', { class: 'j-children' }, entries.map(([k, x]) => node(isArray ? null : k, x, depth + 1, open))));
}

// jsonTree renders a value; text that is JSON is parsed first, other text is shown as it is.
export function jsonTree(value, { open = 2 } = {}) {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return h('pre', { class: 'json' }, value);
    }
  }
  return h('div', { class: 'json' }, node(null, value, 0, open));
}

// jsonField is a labelled, collapsed block of JSON: input, output, parameters.
export function jsonField(label, value, { open = false } = {}) {
  if (value == null) return null;
  return h('details', { class: 'field', open },
    h('summary', {}, label),
    jsonTree(value));
}
