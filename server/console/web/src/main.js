// The console's entry: hash routes, so that every view has an address to link to and reload.
//   #/                         the state machines
//   #/machine/ARN[?status=S]   a state machine and its executions
//   #/execution/ARN            an execution
import { takeToken } from './api.js';
import { h } from './dom.js';
import { executionView } from './execution.js';
import { machineView } from './machine.js';
import { machinesView } from './machines.js';
import { errorBox } from './ui.js';

const routes = [
  [/^#\/machine\/([^?]+)(?:\?(.*))?$/, (view, ctx, m) => machineView(view, ctx, decodeURIComponent(m[1]), new URLSearchParams(m[2] || ''))],
  [/^#\/execution\/([^?]+)$/, (view, ctx, m) => executionView(view, ctx, decodeURIComponent(m[1]))],
  [/^(#\/?)?$/, (view, ctx) => machinesView(view, ctx)],
];

let generation = 0;
let cleanups = [];

async function route() {
  for (const f of cleanups) f();
  cleanups = [];
  const mine = ++generation;
  // A view that is still loading when the reader moves on must not start streams or timers.
  const ctx = {
    alive: () => mine === generation,
    onCleanup: (f) => (mine === generation ? cleanups.push(f) : f()),
  };
  const main = document.getElementById('main');
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  const hash = location.hash;
  const match = routes.map(([re, fn]) => [hash.match(re), fn]).find(([m]) => m);
  try {
    if (!match) throw Object.assign(new Error(`The console has no page ${hash}.`), { code: 'NotFound' });
    await match[1](view, ctx, match[0]);
  } catch (err) {
    if (ctx.alive()) view.append(errorBox(err, route));
  }
  if (ctx.alive()) main.focus({ preventScroll: true });
}

// Errors no view caught still show, rather than leave a page that looks fine but is not.
function banner(message) {
  const b = document.getElementById('banner');
  b.replaceChildren(h('strong', {}, 'Error: '), message, ' ', h('button', { type: 'button', onclick: () => { b.hidden = true; } }, 'Dismiss'));
  b.hidden = false;
}
window.addEventListener('error', (e) => banner(e.message));
window.addEventListener('unhandledrejection', (e) => banner(e.reason && e.reason.message ? e.reason.message : String(e.reason)));

takeToken();
window.addEventListener('hashchange', route);
route();
