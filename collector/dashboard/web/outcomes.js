// Outcomes: what the usage buys. The collector does not receive commits or
// pull requests yet, so cost per commit or PR, cycle time, rework and leverage
// are shown as not available (with why), never as made-up numbers. What the
// usage records do support is shown per author, repo or model: cost per
// session, cost per active day and the cache hit ratio, with their inputs.
import { advice, report } from './api.js';
import { dateRange, filterBar } from './controls.js';
import { h, notice } from './dom.js';
import { formatInt, formatPercent, formatUsd } from './format.js';

const UNAVAILABLE = [
  'Cost per commit',
  'Cost per merged PR',
  'PR cycle time phases',
  'Rework rate',
  'Leverage score',
];

export function outcomesView(state, update) {
  const by = ['author', 'repo', 'model', 'branch'].includes(state.oby) ? state.oby : 'author';
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));

  const load = async () => {
    try {
      const r = await report({ groupBy: [by], metric: 'cost_usd', since: state.since, until: state.until,
        where: state.where, top: state.top });
      if (r.rows.length === 0) {
        body.replaceChildren(notice('empty', 'No usage in this range.', 'Widen the date range or remove filters.'));
        return;
      }
      const t = r.totals;
      const row = (n) => h('tr', { class: n.others ? 'others' : null },
        h('th', { scope: 'row' }, n.key),
        h('td', { class: 'num' }, formatUsd(n.cost_usd)),
        h('td', { class: 'num' }, formatInt(n.sessions)),
        h('td', { class: 'num' }, formatUsd(n.cost_per_session)),
        h('td', { class: 'num' }, formatInt(n.active_days)),
        h('td', { class: 'num' }, formatUsd(n.cost_per_active_day)),
        h('td', { class: 'num', dataset: { value: String(n.cache_hit_ratio) } }, formatPercent(n.cache_hit_ratio)),
        h('td', { class: 'num muted' }, `${formatInt(n.cache_read)} of ${formatInt(n.input + n.cache_create + n.cache_read)}`));
      body.replaceChildren(
        h('div', { class: 'cards' },
          card('Cost per session', formatUsd(t.cost_per_session), `${formatUsd(t.cost_usd)} over ${formatInt(t.sessions)} sessions`),
          card('Cost per active day', formatUsd(t.cost_per_active_day), `${formatInt(t.active_days)} days with usage`),
          card('Cache hit ratio', formatPercent(t.cache_hit_ratio),
            `${formatInt(t.cache_read)} cache-read tokens of ${formatInt(t.input + t.cache_create + t.cache_read)} input-side tokens`)),
        h('table', { class: 'grid', id: 'outcomes-table' },
          h('thead', {}, h('tr', {}, ['', 'Cost', 'Sessions', 'Cost / session', 'Active days', 'Cost / active day',
            'Cache hit ratio', 'Cache read of input-side tokens'].map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c || by)))),
          h('tbody', {}, r.rows.map(row))));
    } catch (e) {
      body.replaceChildren(notice('error', 'Outcomes could not be loaded.', advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };

  const el = h('section', { class: 'view outcomes' },
    h('div', { class: 'toolbar' }, h('div', { class: 'row' },
      h('label', {}, 'By ', h('select', { id: 'outcomes-by', onchange: (e) => update({ oby: e.target.value }) },
        ['author', 'repo', 'model', 'branch'].map((d) => h('option', { value: d, selected: d === by }, d)))),
      dateRange(state, update)), filterBar(state, update)),
    body,
    notice('empty', 'Not available yet: ' + UNAVAILABLE.join(', ') + '.',
      'These need commits and pull requests, which trackers do not send to the collector yet. ' +
      'They will appear here when the git and pull-request outcomes are collected; nothing is estimated meanwhile.'));
  load();
  return el;
}

function card(title, value, detail) {
  return h('div', { class: 'card' }, h('div', { class: 'card-title' }, title),
    h('div', { class: 'card-value' }, value), h('div', { class: 'card-detail muted' }, detail));
}

export { card };
