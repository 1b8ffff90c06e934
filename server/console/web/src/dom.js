// Small DOM helpers: the console builds its views with these, no framework.

const SVG = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// h makes an HTML element: h('a', {href: '#/'}, 'text', child...). on* attributes are listeners.
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

// s makes an SVG element.
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG, tag), attrs, children);
}

// time formats an API timestamp (epoch seconds) in the reader's time zone, to the millisecond.
export function time(epochSeconds) {
  if (epochSeconds == null) return '';
  const d = new Date(epochSeconds * 1000);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// shortName is what follows the resource type in an ARN: the machine's or the execution's name.
export function shortName(arn) {
  const parts = String(arn).split(':');
  return parts.slice(6).join(':') || arn;
}

export function statusBadge(status) {
  return h('span', { class: `badge st-${String(status).toLowerCase()}` }, status);
}
