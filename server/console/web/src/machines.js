// The state machines list.
import { all, call } from './api.js';
import { h, statusBadge, time } from './dom.js';
import { executionHref, machineHref } from './ui.js';

export async function machinesView(view) {
  document.title = 'State machines · aslrun';
  view.append(h('h1', {}, 'State machines'));
  const machines = await all('ListStateMachines', { maxResults: 1000 }, 'stateMachines');
  if (machines.length === 0) {
    view.append(h('p', { class: 'empty' }, 'No state machines yet. Create one with the AWS CLI or an SDK, for example: ',
      h('code', {}, `aws stepfunctions create-state-machine --endpoint-url ${location.origin} --name hello --role-arn arn:aws:iam::123456789012:role/r --definition file://hello.asl.json`)));
    return;
  }
  machines.sort((a, b) => a.name.localeCompare(b.name));
  view.append(h('table', { class: 'list machines' },
    h('thead', {}, h('tr', {}, ['Name', 'Type', 'Created', 'Latest execution'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, machines.map((m) => h('tr', {},
      h('td', {}, h('a', { href: machineHref(m.stateMachineArn), class: 'machine-link' }, m.name)),
      h('td', {}, m.type),
      h('td', {}, time(m.creationDate)),
      latest(m))))));
}

// latest is a cell that fills in with the machine's newest execution; Express machines have none to list.
function latest(m) {
  if (m.type !== 'STANDARD') return h('td', { class: 'latest muted' }, 'not kept (Express)');
  const cell = h('td', { class: 'latest' });
  call('ListExecutions', { stateMachineArn: m.stateMachineArn, maxResults: 1 }).then((page) => {
    const e = (page.executions || [])[0];
    cell.replaceChildren(e ? h('span', {}, statusBadge(e.status), ' ', h('a', { href: executionHref(e.executionArn) }, e.name), ' ', h('span', { class: 'muted' }, time(e.startDate))) : h('span', { class: 'muted' }, 'none yet'));
  }, (err) => cell.replaceChildren(h('span', { class: 'error-inline' }, `${err.code}: ${err.message}`)));
  return cell;
}
