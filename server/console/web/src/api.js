// The page's calls: the AWS JSON 1.0 API at POST / (the same operations as the SDKs) and the console's own
// endpoints under /console/api/. A server that requires signatures gives the page a token in its address
// (?token=...), kept for the tab's session.

const TOKEN_KEY = 'aslrun-console-token';
const TOKEN_HEADER = 'X-Aslrun-Console-Token';

// takeToken moves a token from the page's address into the session, so that it does not stay in the
// address bar or the history.
export function takeToken() {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token == null) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export class ApiError extends Error {
  constructor(code, message, op) {
    super(message);
    this.code = code;
    this.op = op;
  }
}

const hints = {
  MissingAuthenticationTokenException: 'This server requires signed requests (--auth sigv4): open the console at the address aslrun serve printed, which carries its token.',
  AccessDeniedException: 'Open the console at the address aslrun serve printed.',
};

async function answer(res, op) {
  const text = await res.text();
  let data = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(`HTTP ${res.status}`, text.slice(0, 300), op);
    }
  }
  if (!res.ok) {
    const code = data.__type || `HTTP ${res.status}`;
    const message = data.message || data.Message || text || res.statusText;
    throw new ApiError(code, hints[code] ? `${message} ${hints[code]}` : message, op);
  }
  return data;
}

// call runs an API operation, as aws stepfunctions OPERATION would.
export async function call(op, body = {}) {
  const headers = { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AWSStepFunctions.${op}` };
  if (token()) headers[TOKEN_HEADER] = token();
  let res;
  try {
    res = await fetch('/', { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (err) {
    throw new ApiError('NetworkError', `cannot reach the server: ${err.message}`, op);
  }
  return answer(res, op);
}

// all pages through a List operation and returns every item of its list member.
export async function all(op, body, member) {
  const items = [];
  let nextToken;
  do {
    const page = await call(op, { ...body, nextToken });
    items.push(...(page[member] || []));
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

// consoleURL is the address of a console endpoint, with the token for those that cannot send headers.
export function consoleURL(name, params) {
  const q = new URLSearchParams(params);
  if (token()) q.set('token', token());
  return `/console/api/${name}?${q}`;
}

export async function get(name, params) {
  let res;
  try {
    res = await fetch(consoleURL(name, params));
  } catch (err) {
    throw new ApiError('NetworkError', `cannot reach the server: ${err.message}`, name);
  }
  return answer(res, name);
}

// follow streams an execution's events (Server-Sent Events) to onEvent, each once and in order, until the
// execution ends (onEnd) or the returned stop is called. It reconnects after a lost connection from the
// last event it has; onState hears 'live' or 'reconnecting'.
export function follow(arn, { onEvent, onEnd, onState }) {
  let last = 0;
  let source;
  let timer;
  let wait = 1000;
  let stopped = false;
  const open = () => {
    source = new EventSource(consoleURL('events', { arn, after: last }));
    source.onopen = () => {
      wait = 1000;
      onState('live');
    };
    source.onmessage = (m) => {
      const e = JSON.parse(m.data);
      if (e.id <= last) return;
      last = e.id;
      onEvent(e);
    };
    source.addEventListener('end', () => {
      source.close();
      onEnd();
    });
    source.onerror = () => {
      if (stopped) return;
      onState('reconnecting');
      // The browser reconnects by itself (with Last-Event-ID) unless the server refused the stream.
      if (source.readyState === EventSource.CLOSED) {
        timer = setTimeout(open, wait);
        wait = Math.min(wait * 2, 15000);
      }
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source.close();
  };
}
