// Talks to the collector: the JSON API under /v1, with the session cookie the
// browser keeps (HttpOnly: this code never sees it) and the CSRF value that
// login returns, sent back on every state-changing request.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let csrf = '';

// One request; its body as text, or an ApiError with the collector's message.
async function send(path, { method = 'GET', body, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-Codepulse-CSRF'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, `cannot reach the collector (${e.message}); check that it is running`);
  }
  const text = await res.text();
  if (!res.ok) {
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    throw new ApiError(res.status, (data && data.error) || `${res.status} ${res.statusText}`);
  }
  return text;
}

export async function api(path, options = {}) {
  const text = await send(path, options);
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

// A CSV the collector makes (GET /v1/reconcile or /v1/statement with format=csv), as text.
export function apiCsv(path) {
  return send(path, { accept: 'text/csv' });
}

// GET /v1/reconcile or /v1/statement of a month ("2026-11"): JSON, or the CSV's path.
export const financePath = (view, month, format = 'json') =>
  `/v1/${view}?${new URLSearchParams({ month, format })}`;

export async function currentSession() {
  const s = await api('/v1/session');
  csrf = s.csrf || '';
  return s;
}

export async function login(token) {
  const s = await api('/v1/session', { method: 'POST', body: { token } });
  csrf = s.csrf || '';
  return s;
}

// GET /v1/sso: {enabled, login}; single sign-on is offered when enabled.
export async function ssoStatus() {
  try {
    return await api('/v1/sso');
  } catch {
    return { enabled: false };
  }
}

export async function logout() {
  await api('/v1/session', { method: 'DELETE' });
  csrf = '';
}

// GET /v1/report with the given parameters; `where` is a list of "dim=value".
// `outcomes` adds commits, pull requests, rework and leverage to every node;
// `links` (exact, strong, weak) is then the weakest session-commit link counted.
// `cost` (org, list) is the cost the report sorts by and divides.
export function reportPath({ groupBy, metric, since, until, where = [], top, granularity, outcomes, links, cost }) {
  const q = new URLSearchParams();
  q.set('group_by', groupBy.join(','));
  if (metric) q.set('metric', metric);
  if (since) q.set('since', since);
  if (until) q.set('until', until);
  for (const w of where) q.append('where', w);
  if (top) q.set('top', String(top));
  if (granularity) q.set('granularity', granularity);
  if (cost) q.set('cost', cost);
  if (outcomes) {
    q.set('outcomes', 'true');
    if (links) q.set('links', links);
  }
  q.set('format', 'json');
  return `/v1/report?${q}`;
}

export function report(params) {
  return api(reportPath(params));
}

// What the user should do about an error, in words.
export function advice(err) {
  if (!(err instanceof ApiError)) return `Something failed in the page: ${err.message}. Reload the page.`;
  switch (err.status) {
    case 0:
      return err.message;
    case 400:
      return `The collector refused the question: ${err.message}. Change the settings above.`;
    case 401:
      return 'Your session has ended or its token was revoked. Log in again.';
    case 403:
      return `Not allowed: ${err.message}.`;
    case 422:
      return `${err.message}. Nest fewer dimensions, narrow the dates, or lower "Top".`;
    case 503:
      return `The collector is busy (${err.message}). Wait a few seconds and retry.`;
    default:
      return `The collector answered ${err.status}: ${err.message}.`;
  }
}
