// A state machine: its graph, a form to start an execution, and its executions by status.
import { call, get } from './api.js';
import { h, time, statusBadge } from './dom.js';
import { renderGraph } from './graph.js';
import { jsonField } from './json.js';
import { crumbs, errorBox, executionHref, jsonInput, machineHref, section } from './ui.js';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const PAGE = 50;

export async function machineView(view, ctx, arn, query) {
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  const m = await call('DescribeStateMachine', { stateMachineArn: arn });
  document.title = `${m.name} · aslrun`;
  view.append(
    crumbs(['State machines', '#/'], [m.name]),
    h('h1', {}, m.name, ' ', h('span', { class: 'badge type' }, m.type)),
    h('dl', { class: 'meta' },
      h('dt', {}, 'ARN'), h('dd', {}, h('code', {}, m.stateMachineArn)),
      h('dt', {}, 'Created'), h('dd', {}, time(m.creationDate))));

  const graphSlot = h('div', { class: 'graph-slot' }, h('p', { class: 'muted' }, 'Laying out the graph…'));
  get('graph', { arn }).then((g) => {
    graphSlot.replaceChildren(renderGraph(g, `Graph of the state machine ${m.name}`).figure);
  }, (err) => graphSlot.replaceChildren(errorBox(err)));
  // The graph beside the form and the executions.
  const side = h('div', { class: 'side' }, section('Start an execution', startForm(arn, m.type)));
  view.append(h('div', { class: 'exec-grid' }, section('Definition', graphSlot), side));
  if (m.type === 'EXPRESS') {
    // As on AWS, no Express execution is kept once it has ended: there is no list to show.
    side.append(section('Executions', h('p', { class: 'empty' },
      'Express executions are not kept once they end, as on AWS: the console runs them with StartSyncExecution and shows their outcome above.')));
    return;
  }

  const list = h('div', { class: 'executions' });
  const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Show executions by status' },
    ['', ...STATUSES].map((st) => h('a', { href: machineHref(arn, st), class: `filter${st === status ? ' active' : ''}`, 'aria-current': st === status ? 'true' : null }, st || 'All')));
  side.append(section('Executions', filters, list));

  let nextToken;
  const rows = h('tbody');
  const more = h('button', { type: 'button', class: 'more', hidden: true, onclick: () => load(false) }, 'Show more');
  const load = async (fresh) => {
    if (fresh) nextToken = undefined;
    try {
      const page = await call('ListExecutions', { stateMachineArn: arn, statusFilter: status || undefined, maxResults: PAGE, nextToken });
      if (!ctx.alive()) return;
      const items = page.executions || [];
      if (fresh) rows.replaceChildren();
      rows.append(...items.map((e) => h('tr', {},
        h('td', {}, h('a', { href: executionHref(e.executionArn), class: 'execution-link' }, e.name)),
        h('td', {}, statusBadge(e.status)),
        h('td', {}, time(e.startDate)),
        h('td', {}, time(e.stopDate)))));
      nextToken = page.nextToken;
      more.hidden = !nextToken;
      if (fresh) {
        list.replaceChildren(rows.children.length
          ? h('table', { class: 'list' },
            h('thead', {}, h('tr', {}, ['Name', 'Status', 'Started', 'Ended'].map((t) => h('th', { scope: 'col' }, t)))), rows)
          : h('p', { class: 'empty' }, status ? `No ${status} executions.` : 'No executions yet.'), more);
      }
      return items.some((e) => e.status === 'RUNNING');
    } catch (err) {
      list.replaceChildren(errorBox(err, () => load(true)));
      return false;
    }
  };
  let running = await load(true);
  // While executions run, keep their statuses current.
  const timer = setInterval(async () => {
    if (running && !document.hidden && !nextToken) running = await load(true);
  }, 3000);
  ctx.onCleanup(() => clearInterval(timer));
}

// syncResult shows the outcome of an Express execution, which StartSyncExecution answers with.
function syncResult(out) {
  return h('div', { class: 'sync-result' },
    h('p', {}, h('strong', {}, out.name || 'Execution'), ' ', statusBadge(out.status), ' ',
      h('span', { class: 'muted' }, `${Math.round((out.stopDate - out.startDate) * 1000)} ms`)),
    out.error != null || out.cause != null
      ? h('div', { class: 'failure', role: 'alert' },
        h('p', {}, h('strong', {}, 'Error: '), h('code', { class: 'error-name' }, out.error ?? '(none)')),
        h('pre', { class: 'cause' }, out.cause ?? '(none)'))
      : null,
    jsonField('Output', out.output, { open: true }));
}

function startForm(arn, type) {
  const name = h('input', { id: 'exec-name', type: 'text', maxlength: 80, placeholder: 'generated when empty', autocomplete: 'off' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Start execution');
  const input = jsonInput('exec-input', 'Input (JSON)', '{}', (ok) => { button.disabled = !ok; });
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    class: 'start',
    onsubmit: async (ev) => {
      ev.preventDefault();
      input.check();
      if (button.disabled) return;
      button.disabled = true;
      try {
        const req = { stateMachineArn: arn, name: name.value.trim() || undefined, input: input.area.value };
        if (type === 'EXPRESS') {
          result.replaceChildren(syncResult(await call('StartSyncExecution', req)));
          button.disabled = false;
          return;
        }
        const out = await call('StartExecution', req);
        location.hash = executionHref(out.executionArn);
      } catch (err) {
        result.replaceChildren(errorBox(err));
        button.disabled = false;
      }
    },
  },
  h('div', { class: 'field-row' }, h('label', { for: 'exec-name' }, 'Name'), name),
  input.el, button, result);
  return form;
}
