// Reading an execution's history as it grows: which state each event belongs to, what each state did,
// and which tasks wait for an answer.

const TOKEN = /AQ[A-Za-z0-9_-]{64}/g; // aslrun's task tokens (interpreter.TokensIn)

export function details(e) {
  for (const [k, v] of Object.entries(e)) if (k.endsWith('EventDetails')) return v;
  return undefined;
}

export class History {
  constructor() {
    this.events = [];
    this.stateOf = new Map(); // event id -> the state's name
    this.taskOf = new Map(); // event id -> the id of the TaskScheduled or ActivityScheduled it follows
    this.status = new Map(); // state name -> running | succeeded | failed | caught | cancelled (asl/graph's statuses)
    this.pending = new Map(); // scheduling event id -> {kind: 'token' | 'activity', state, tokens, resource, input}
    this.ended = false;
  }

  // add takes the next event and returns the name of its state, if it has one.
  add(e) {
    this.events.push(e);
    const d = details(e) || {};
    const prev = e.previousEventId;
    const type = e.type;
    let state = this.stateOf.get(prev);
    if (type.endsWith('StateEntered')) state = d.name;
    if (state != null) this.stateOf.set(e.id, state);
    let task = this.taskOf.get(prev);
    if (type === 'TaskScheduled' || type === 'ActivityScheduled') task = e.id;
    if (task != null) this.taskOf.set(e.id, task);

    if (type.endsWith('StateEntered')) {
      this.status.set(state, 'running');
    } else if (type.endsWith('StateExited')) {
      this.status.set(state, this.status.get(state) === 'failed' ? 'caught' : 'succeeded');
    } else if (type.startsWith('Execution')) {
      this.execution(type);
    } else if (state != null && /(Failed|TimedOut)$/.test(type)) {
      this.status.set(state, 'failed');
    } else if (state != null && type.endsWith('Aborted')) {
      this.status.set(state, 'cancelled');
    } else if (state != null && /(Scheduled|Started)$/.test(type)) {
      this.status.set(state, 'running'); // a retry after a failure
    }

    if (type === 'TaskScheduled' && /waitForTaskToken/.test(`${d.resource}`)) {
      const tokens = [...new Set(String(d.parameters || '').match(TOKEN) || [])];
      this.pending.set(e.id, { kind: 'token', state, tokens, resource: `${d.resourceType}:${d.resource}`, input: d.parameters });
    } else if (type === 'ActivityScheduled') {
      this.pending.set(e.id, { kind: 'activity', state, resource: d.resource, input: d.input });
    } else if (/^Task(Succeeded|Failed|TimedOut|Aborted)$/.test(type) || type === 'ActivityStarted' || /^Activity(Failed|TimedOut|Succeeded)$/.test(type)) {
      this.pending.delete(task);
    }
    return state;
  }

  execution(type) {
    if (type === 'ExecutionStarted' || type === 'ExecutionRedriven') {
      this.ended = false;
      return;
    }
    this.ended = true;
    this.pending.clear();
    const end = { ExecutionFailed: 'failed', ExecutionTimedOut: 'failed', ExecutionAborted: 'cancelled' }[type];
    if (!end) return;
    for (const [name, st] of this.status) if (st === 'running') this.status.set(name, end);
  }
}
