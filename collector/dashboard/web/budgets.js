// Budgets: every budget's state this period (GET /v1/budgets, docs/BUDGETS.md):
// spent against the amount, the forecast to the period's end, the state
// (ok, warn, over, forecast_over) and an admin's override in force.
import { advice, api } from './api.js';
import { h, notice } from './dom.js';
import { formatUsd } from './format.js';
import { card } from './outcomes.js';

const HEAD = ['Budget', 'Scope', 'Period', 'Basis', 'Spent', 'Limit', 'Percent', 'Forecast', 'State', 'Override until'];
const STATE_TEXT = { ok: 'ok', warn: 'warning', over: 'over budget', forecast_over: 'forecast over' };

function row(b) {
  return h('tr', { class: `budget-row state-${b.state}`, dataset: { id: b.id, state: b.state } },
    h('td', {}, b.id),
    h('td', {}, b.scope === 'org' ? 'organisation' : `${b.scope} ${b.value}`),
    h('td', {}, `${b.period_start} – ${b.period_end}`),
    h('td', {}, b.basis),
    h('td', { class: 'num col-spent' }, formatUsd(b.spent_usd)),
    h('td', { class: 'num col-limit' }, formatUsd(b.limit_usd)),
    h('td', { class: 'num col-percent' }, `${b.percent.toFixed(2)} %`),
    h('td', { class: 'num col-forecast' }, formatUsd(b.forecast_usd)),
    h('td', { class: `state ${b.state === 'ok' ? '' : 'bad'}`, title: b.message }, STATE_TEXT[b.state] || b.state),
    h('td', {}, b.override_until || ''));
}

export function budgetsView() {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    try {
      const r = await api('/v1/budgets');
      const budgets = r.budgets;
      const count = (s) => budgets.filter((b) => b.state === s).length;
      body.replaceChildren(
        h('div', { class: 'cards' },
          card('Budgets in force', String(budgets.length), `worked out at ${r.computed_at}`),
          card('Over budget', String(count('over')), 'spent at least the amount'),
          card('Forecast over', String(count('forecast_over')), 'on course to pass the amount by the period\'s end'),
          card('Warnings', String(count('warn')), 'past their warn threshold')),
        budgets.length === 0
          ? notice('empty', 'No budget is in force.',
            'An admin adds one: codepulse-collector budgets add --scope org --amount 5000, or POST /v1/admin/budgets.')
          : h('div', { class: 'scroll', tabindex: 0 },
            h('table', { class: 'grid', id: 'budgets-table' },
              h('thead', {}, h('tr', {}, HEAD.map((c, i) => h('th', { scope: 'col', class: i >= 4 && i <= 7 ? 'num' : null }, c)))),
              h('tbody', {}, budgets.map(row)))),
        h('p', { class: 'muted' }, 'Forecast: the period\'s spend so far, extended to its end at the daily rate so far, ' +
          'weekdays and weekend days weighted by their shares of the last four weeks.'));
    } catch (e) {
      body.replaceChildren(notice('error', 'Budgets could not be loaded.', advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };
  load();
  return h('section', { class: 'view budgets' },
    h('div', { class: 'toolbar' }, h('div', { class: 'row' },
      h('button', { type: 'button', id: 'budgets-refresh', onclick: load }, 'Refresh'))), body);
}
