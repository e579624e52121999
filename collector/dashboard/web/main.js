// The dashboard: log in, then one of ten views, all state in the URL.
import 'uplot/dist/uPlot.min.css';
import './style.css';

import { ApiError, advice, currentSession, login, logout, ssoStatus } from './api.js';
import { h, notice } from './dom.js';
import { budgetsView } from './budgets.js';
import { deliveryView } from './delivery.js';
import { explorerView } from './explorer.js';
import { healthView } from './health.js';
import { hotspotsView } from './hotspots.js';
import { outcomesView } from './outcomes.js';
import { reconcileView } from './reconcile.js';
import { spendView } from './spend.js';
import { statementView } from './statement.js';
import { tasksView } from './tasks.js';
import { readState, writeState } from './view_state.js';

const VIEWS = [
  { id: 'explorer', label: 'Cost explorer', make: explorerView },
  { id: 'spend', label: 'Spend over time', make: spendView },
  { id: 'outcomes', label: 'Outcomes', make: outcomesView },
  { id: 'delivery', label: 'Delivery', make: deliveryView },
  { id: 'tasks', label: 'Task classes', make: tasksView },
  { id: 'hotspots', label: 'Hotspots', make: hotspotsView },
  { id: 'reconcile', label: 'Reconcile', make: reconcileView },
  { id: 'statement', label: 'Statement', make: statementView },
  { id: 'budgets', label: 'Budgets', make: budgetsView },
  { id: 'health', label: 'Health', make: healthView },
];

// Views that cover the whole organisation: the collector refuses them (403) to
// a caller scoped to a team, a group or oneself, so they are not offered.
const ORG_WIDE = new Set(['reconcile', 'statement', 'health', 'delivery', 'tasks', 'hotspots']);

// The caller's scope (docs/ACCESS.md) in words: "team Payments", "only your
// own usage", "whole organisation".
function scopeLabel(scope) {
  if (!scope || scope === 'org') return 'whole organisation';
  const i = scope.indexOf(':');
  const kind = i < 0 ? scope : scope.slice(0, i);
  const name = i < 0 ? '' : scope.slice(i + 1);
  if (kind === 'self') return 'only your own usage';
  if (kind === 'org') return `organisation ${name}`;
  return `${kind} ${name}`;
}

const wholeOrg = (w) => !w.scope || w.scope === 'org';
const offered = (w) => VIEWS.filter((v) => wholeOrg(w) || !ORG_WIDE.has(v.id));

const app = document.getElementById('app');
let who = null;
let state = readState();

function update(patch, { silent = false } = {}) {
  state = { ...state, ...patch };
  writeState(state, { push: !silent && 'view' in patch });
  if (!silent) render();
}

function render() {
  if (!who) return renderLogin();
  const views = offered(who);
  const view = views.find((v) => v.id === state.view) || views[0];
  document.title = `${view.label} · codepulse`;
  const floor = who.min_group_size > 1
    ? ` · rows of fewer than ${who.min_group_size} people merged into (others)` : '';
  app.replaceChildren(
    h('header', { class: 'top' },
      h('span', { class: 'brand' }, 'codepulse'),
      h('nav', { 'aria-label': 'Views' }, views.map((v) => h('a', {
        href: '#', class: v.id === view.id ? 'active' : null, 'aria-current': v.id === view.id ? 'page' : null,
        dataset: { view: v.id },
        onclick: (e) => { e.preventDefault(); update({ view: v.id }); },
      }, v.label))),
      h('span', { class: 'who' }, `${who.author} (${who.role})`),
      h('span', { class: 'scope', id: 'scope-banner', dataset: { scope: who.scope || 'org' },
        title: 'What you may see: reports, exports and views answer within this scope only' },
      `${who.role} · ${scopeLabel(who.scope)}${floor}`),
      h('button', { type: 'button', id: 'logout', onclick: async () => {
        try { await logout(); } catch { /* the session is gone either way */ }
        who = null;
        render();
      } }, 'Log out')),
    h('main', {}, view.make(state, update)));
}

function renderLogin(message) {
  document.title = 'Log in · codepulse';
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true,
    placeholder: 'cpt_…', 'aria-describedby': 'login-help' });
  const error = h('div', { id: 'login-error', 'aria-live': 'assertive' },
    message ? notice('error', 'Not logged in.', message) : null);
  const form = h('form', { class: 'login', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      who = await login(token.value.trim());
      render();
    } catch (err) {
      const text = err instanceof ApiError && err.status === 401
        ? 'That token is unknown or revoked. Ask an admin for a viewer token: codepulse-collector token create --author you@example.org --role viewer.'
        : advice(err);
      error.replaceChildren(notice('error', 'Login failed.', text));
    }
  } },
  h('h1', {}, 'codepulse'),
  h('label', { for: 'token' }, 'Viewer or admin token'), token,
  h('p', { id: 'login-help', class: 'muted' },
    'The token stays on this page only for the login: the collector answers with a session cookie that scripts cannot read.'),
  h('button', { type: 'submit', id: 'login' }, 'Log in'), error);
  app.replaceChildren(form);
  token.focus();
  ssoStatus().then((sso) => {
    if (!sso || !sso.enabled || !form.isConnected) return;
    // A plain navigation: the provider sends the browser back to /v1/sso/callback.
    form.insertBefore(h('p', { class: 'sso' },
      h('a', { id: 'sso-login', class: 'button', href: sso.login || '/v1/sso/login' }, 'Sign in with SSO'),
      h('span', { class: 'muted' }, ' or log in with a token below')), form.children[1]);
  });
}

window.addEventListener('popstate', () => {
  state = readState();
  render();
});

(async () => {
  try {
    who = await currentSession();
  } catch (e) {
    who = null;
    if (!(e instanceof ApiError) || e.status !== 401) return renderLogin(advice(e));
  }
  render();
})();
