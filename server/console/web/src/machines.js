// The state machines list.
import { all } from './api.js';
import { h, time } from './dom.js';
import { machineHref } from './ui.js';

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
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Created'))),
    h('tbody', {}, machines.map((m) => h('tr', {},
      h('td', {}, h('a', { href: machineHref(m.stateMachineArn), class: 'machine-link' }, m.name)),
      h('td', {}, m.type),
      h('td', {}, time(m.creationDate)))))));
}
