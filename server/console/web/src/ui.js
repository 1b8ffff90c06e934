// Pieces the views share: error boxes, breadcrumbs, headings.
import { h } from './dom.js';

// errorBox shows a failed call in the page: its code, its message and, when given, a way to try again.
export function errorBox(err, retry) {
  const code = err && err.code ? err.code : 'Error';
  const message = err && err.message ? err.message : String(err);
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, code), err && err.op ? h('span', { class: 'muted' }, ` (${err.op})`) : null,
    h('p', {}, message),
    retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null);
}

export function crumbs(...links) {
  return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h('ol', {}, links.map(([text, href]) => h('li', {}, href ? h('a', { href }, text) : h('span', { 'aria-current': 'page' }, text)))));
}

export function machineHref(arn, status) {
  return `#/machine/${encodeURIComponent(arn)}${status ? `?status=${status}` : ''}`;
}

export function executionHref(arn) {
  return `#/execution/${encodeURIComponent(arn)}`;
}

// section is a titled part of a page.
export function section(title, ...children) {
  const id = `s-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), children);
}

// jsonInput is a textarea that must hold JSON: it says what is wrong as one types, and onValid hears
// whether it is valid.
export function jsonInput(id, label, value, onValid) {
  const hint = h('p', { class: 'hint', id: `${id}-hint`, 'aria-live': 'polite' });
  const area = h('textarea', { id, rows: 6, spellcheck: 'false', 'aria-describedby': `${id}-hint` }, value);
  const check = () => {
    try {
      JSON.parse(area.value);
      hint.textContent = '';
      area.removeAttribute('aria-invalid');
      onValid(true);
    } catch (err) {
      hint.textContent = `Not valid JSON: ${err.message}`;
      area.setAttribute('aria-invalid', 'true');
      onValid(false);
    }
  };
  area.addEventListener('input', check);
  return { el: h('div', { class: 'field-row' }, h('label', { for: id }, label), area, hint), area, check };
}
