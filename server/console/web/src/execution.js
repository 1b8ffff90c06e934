// An execution: its graph coloured as its states run (live), its failure, the tasks waiting for an
// answer, and its event history with each state's input and output.
import { call, follow, get } from './api.js';
import { h, shortName, statusBadge, time } from './dom.js';
import { legend, renderGraph } from './graph.js';
import { details, History } from './history.js';
import { jsonField, jsonTree } from './json.js';
import { crumbs, errorBox, jsonInput, machineHref, section } from './ui.js';

export async function executionView(view, ctx, arn) {
  let ex = await call('DescribeExecution', { executionArn: arn });
  document.title = `${ex.name} · aslrun`;
  const machineName = shortName(ex.stateMachineArn);
  const heading = h('h1', {});
  const live = h('span', { class: 'live', 'aria-live': 'polite' });
  const failure = h('div');
  const meta = h('dl', { class: 'meta' });
  const io = h('div', { class: 'io' });
  const actions = h('div', { class: 'actions' });
  const header = () => {
    heading.replaceChildren(ex.name, ' ', statusBadge(ex.status));
    meta.replaceChildren(...h('dl', {},
      h('dt', {}, 'State machine'), h('dd', {}, h('a', { href: machineHref(ex.stateMachineArn) }, machineName)),
      h('dt', {}, 'Started'), h('dd', {}, time(ex.startDate)),
      h('dt', {}, 'Ended'), h('dd', {}, ex.stopDate ? time(ex.stopDate) : '—'),
      ex.stopDate ? [h('dt', {}, 'Duration'), h('dd', {}, `${Math.round((ex.stopDate - ex.startDate) * 1000)} ms`)] : null).childNodes);
    failure.replaceChildren(...(ex.error != null || ex.cause != null
      ? [h('div', { class: 'failure', role: 'alert' },
        h('h2', {}, `Execution ${ex.status.toLowerCase().replace('_', ' ')}`),
        h('p', {}, h('strong', {}, 'Error: '), h('code', { class: 'error-name' }, ex.error ?? '(none)')),
        h('p', {}, h('strong', {}, 'Cause: ')), h('pre', { class: 'cause' }, ex.cause ?? '(none)'))]
      : []));
    io.replaceChildren(...[jsonField('Execution input', ex.input, { open: true }), jsonField('Execution output', ex.output, { open: true })].filter(Boolean));
    actions.replaceChildren(...(ex.status === 'RUNNING'
      ? [h('button', { type: 'button', class: 'danger', onclick: stop }, 'Stop execution')]
      : []));
  };
  const refresh = async () => {
    try {
      ex = await call('DescribeExecution', { executionArn: arn });
      if (ctx.alive()) header();
    } catch (err) {
      failure.replaceChildren(errorBox(err, refresh));
    }
  };
  const stop = async () => {
    try {
      await call('StopExecution', { executionArn: arn, error: 'Console.Stopped', cause: 'stopped from the aslrun console' });
    } catch (err) {
      failure.replaceChildren(errorBox(err));
    }
  };
  header();
  view.append(
    crumbs(['State machines', '#/'], [machineName, machineHref(ex.stateMachineArn)], [ex.name]),
    heading, live, failure);

  const hist = new History();
  const tasks = h('div', { class: 'tasks' });
  const graphSlot = h('div', { class: 'graph-slot' }, h('p', { class: 'muted' }, 'Laying out the graph…'));
  let paint = () => {};
  // The graph beside what the reader acts on: the execution's details, the tasks to answer, input and output.
  view.append(h('div', { class: 'exec-grid' },
    section('Graph', graphSlot, legend()),
    h('div', { class: 'side' }, section('Details', meta, actions), tasks, io)));
  get('graph', { arn }).then((g) => {
    const r = renderGraph(g, `Graph of the execution ${ex.name}, states coloured by what they did`);
    graphSlot.replaceChildren(r.figure);
    paint = r.paint;
    paint(hist.status);
  }, (err) => graphSlot.replaceChildren(errorBox(err)));

  const rows = h('tbody');
  view.append(section('Events', h('table', { class: 'list events' },
    h('thead', {}, h('tr', {}, ['ID', 'Type', 'State', 'Elapsed', 'Time', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
    rows)));

  const answered = new Map(); // activity tasks the console took: scheduling event id -> task
  let shownTasks = '';
  const renderTasks = (force) => {
    // Only a change of the waiting tasks redraws them: an answer being typed must stay.
    const key = [...hist.pending.keys(), '|', ...[...answered].filter(([, t]) => !t.done).map(([k]) => k)].join(',');
    if (key === shownTasks && force !== true) return;
    shownTasks = key;
    tasks.replaceChildren(...[...hist.pending].map(([id, p]) => taskPanel(id, p, answered, () => renderTasks(true))));
    for (const [id, t] of answered) if (!hist.pending.has(id) && !t.done) tasks.append(taskPanel(id, t.p, answered, () => renderTasks(true)));
  };
  let timerPaint;
  const onEvent = (e) => {
    const state = hist.add(e);
    rows.append(eventRow(e, state, ex.startDate));
    if (/^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(e.type)) refresh();
    // A burst of events repaints once.
    clearTimeout(timerPaint);
    timerPaint = setTimeout(() => {
      paint(hist.status);
      renderTasks();
    }, 30);
  };
  const stopFollowing = follow(arn, {
    onEvent,
    onEnd: () => {
      live.textContent = '';
      live.className = 'live';
    },
    onState: (st) => {
      live.textContent = st === 'live' ? 'following live' : 'reconnecting…';
      live.className = `live is-${st}`;
    },
  });
  ctx.onCleanup(() => {
    stopFollowing();
    clearTimeout(timerPaint);
  });
}

function eventRow(e, state, start) {
  const d = details(e);
  const elapsed = e.timestamp != null && start != null ? `${Math.round((e.timestamp - start) * 1000)} ms` : '';
  let body = null;
  if (d && Object.keys(d).length) {
    // Payloads are JSON text in the API: show them as JSON.
    const shown = {};
    for (const [k, v] of Object.entries(d)) {
      if (typeof v === 'string' && ['input', 'output', 'parameters', 'result'].includes(k)) {
        try {
          shown[k] = JSON.parse(v);
          continue;
        } catch {
          // not JSON: shown as text
        }
      }
      shown[k] = v;
    }
    const failed = d.error != null || d.cause != null;
    body = h('details', { class: `event-details${failed ? ' failed' : ''}` },
      h('summary', {}, summary(e.type, d)), jsonTree(shown, { open: 3 }));
  }
  const failedType = /(Failed|TimedOut|Aborted)$/.test(e.type);
  return h('tr', { class: failedType ? 'row-failed' : null, 'data-type': e.type },
    h('td', { class: 'num' }, e.id), h('td', {}, e.type), h('td', {}, state ?? ''), h('td', { class: 'num' }, elapsed),
    h('td', { class: 'nowrap' }, time(e.timestamp)), h('td', {}, body));
}

function summary(type, d) {
  if (d.error != null) return `${d.error}`;
  if (type.endsWith('StateEntered')) return 'input';
  if (type.endsWith('StateExited')) return 'output';
  return 'details';
}

// taskPanel offers to answer a task that waits: a .waitForTaskToken task with the token in its
// parameters, or an activity's task, which the console first takes as a worker would.
function taskPanel(id, p, answered, rerender) {
  const held = answered.get(id);
  const title = p.kind === 'token' ? `${p.state} waits for a task token` : `${p.state} waits for a worker of its activity`;
  const box = h('section', { class: 'task', 'aria-label': title }, h('h2', {}, title), h('p', { class: 'muted' }, h('code', {}, p.resource)));
  const out = h('div', { 'aria-live': 'polite' });
  let token = p.kind === 'token' ? p.tokens[0] : held?.token;
  if (p.kind === 'token' && p.tokens.length === 0) {
    box.append(h('p', {}, 'Its parameters hold no task token ($$.Task.Token), so nothing can answer it; it waits until its timeout.'));
    return box;
  }
  if (p.kind === 'activity' && !token) {
    box.append(
      h('p', {}, 'Take its task as a worker would (GetActivityTask), then answer it here. GetActivityTask hands out the activity\'s oldest task: with other executions waiting on the same activity, it may be theirs.'),
      h('button', {
        type: 'button',
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            const task = await call('GetActivityTask', { activityArn: p.resource, workerName: 'aslrun-console' });
            if (!task.taskToken) throw new Error('no task was waiting: a worker took it');
            answered.set(id, { p, token: task.taskToken, input: task.input });
            rerender();
          } catch (err) {
            out.replaceChildren(errorBox(err));
            ev.target.disabled = false;
          }
        },
      }, 'Take the task'), out);
    return box;
  }
  if (held?.input != null) box.append(jsonField('Task input', held.input, { open: true }));
  if (p.kind === 'token' && p.tokens.length > 1) {
    const pick = h('select', { id: `token-${id}`, onchange: (ev) => { token = ev.target.value; } }, p.tokens.map((t) => h('option', { value: t }, t)));
    box.append(h('div', { class: 'field-row' }, h('label', { for: `token-${id}` }, 'Task token'), pick));
  }
  const send = async (op, body, button) => {
    button.disabled = true;
    try {
      await call(op, { taskToken: token, ...body });
      out.replaceChildren(h('p', { class: 'ok' }, `${op} sent.`));
      if (held) held.done = true;
    } catch (err) {
      out.replaceChildren(errorBox(err));
      button.disabled = false;
    }
  };
  const ok = h('button', { type: 'button', class: 'primary' }, 'Send success');
  const output = jsonInput(`task-output-${id}`, 'Output (JSON)', '{}', (valid) => { ok.disabled = !valid; });
  ok.addEventListener('click', () => send('SendTaskSuccess', { output: output.area.value }, ok));
  const errName = h('input', { id: `task-error-${id}`, type: 'text', value: 'Console.Failed', maxlength: 256 });
  const cause = h('input', { id: `task-cause-${id}`, type: 'text', placeholder: 'why it failed' });
  const fail = h('button', { type: 'button', class: 'danger' }, 'Send failure');
  fail.addEventListener('click', () => send('SendTaskFailure', { error: errName.value, cause: cause.value }, fail));
  box.append(
    h('div', { class: 'answer' },
      h('div', {}, output.el, ok),
      h('div', {},
        h('div', { class: 'field-row' }, h('label', { for: `task-error-${id}` }, 'Error'), errName),
        h('div', { class: 'field-row' }, h('label', { for: `task-cause-${id}` }, 'Cause'), cause),
        fail)),
    out);
  return box;
}
