// The settings shared by the report views: dates, filters, metric, cost basis,
// and the month of the finance views.
import { h } from './dom.js';
import { DIMENSIONS, METRICS, dimensionLabel } from './format.js';

export function metricSelect(state, update, id = 'metric') {
  const option = (m) => h('option', { value: m.id, selected: m.id === state.metric }, m.label);
  return h('label', {}, 'Metric ',
    h('select', { id, onchange: (e) => update({ metric: e.target.value }) },
      h('optgroup', { label: 'Usage' }, METRICS.filter((m) => !m.outcome).map(option)),
      h('optgroup', { label: 'Outcomes (commits, pull requests)' }, METRICS.filter((m) => m.outcome).map(option))));
}

// Which session-commit links count (docs/METRICS.md), with what each means.
export const LINKS = [
  { id: 'exact', label: 'exact',
    text: 'a session counts for a commit only when its own git commit reported that commit\'s SHA.' },
  { id: 'strong', label: 'strong (default)',
    text: 'also the same author\'s commits in the same repository that changed a file the session edited, ' +
      'from its first edit to 8 hours after its last.' },
  { id: 'weak', label: 'weak',
    text: 'also the same author\'s commits on the session\'s branch while it ran or up to 2 hours after it.' },
];

export function linksSelect(state, update) {
  const links = LINKS.find((l) => l.id === state.links) || LINKS[1];
  return h('span', { class: 'links' },
    h('label', {}, 'Session–commit links ',
      h('select', { id: 'links', 'aria-describedby': 'links-help',
        onchange: (e) => update({ links: e.target.value, open: [] }) },
      LINKS.map((l) => h('option', { value: l.id, selected: l.id === links.id }, l.label)))),
    h('span', { id: 'links-help', class: 'muted' },
      `Links decide which commits are AI commits and which sessions, models and spend a commit belongs to: ` +
      `${links.id}: ${links.text}`));
}

// Which cost counts: the organisation's rates, list prices or the effective
// cost with the seats spread (`cost` of the API).
export function costSelect(state, update) {
  return h('label', {}, 'Cost at ',
    h('select', { id: 'cost', onchange: (e) => update({ cost: e.target.value, open: [] }) },
      h('option', { value: 'org', selected: state.cost !== 'list' && state.cost !== 'effective' },
        'organisation rates'),
      h('option', { value: 'list', selected: state.cost === 'list' }, 'list prices'),
      h('option', { value: 'effective', selected: state.cost === 'effective' }, 'effective cost (seats spread)')));
}

export function dateRange(state, update) {
  const input = (key, label) => h('label', {}, `${label} `,
    h('input', { type: 'date', id: `range-${key}`, value: state[key],
      onchange: (e) => update({ [key]: e.target.value, open: [] }) }));
  return h('span', { class: 'range' }, input('since', 'From'), input('until', 'To'));
}

export function granularitySelect(state, update) {
  return h('label', {}, 'Per ',
    h('select', { id: 'granularity', onchange: (e) => update({ gran: e.target.value, open: [] }) },
      ['day', 'week', 'month'].map((g) => h('option', { value: g, selected: g === state.gran }, g))));
}

// Filters: "dimension = value"; values of one dimension are alternatives.
export function filterBar(state, update) {
  const dim = h('select', { id: 'filter-dim', 'aria-label': 'Filter dimension' },
    DIMENSIONS.map((d) => h('option', { value: d.id }, d.label)));
  const value = h('input', { id: 'filter-value', type: 'text', placeholder: 'value',
    'aria-label': 'Filter value' });
  const add = (e) => {
    e.preventDefault();
    if (!value.value.trim()) return;
    update({ where: [...state.where, `${dim.value}=${value.value.trim()}`], open: [] });
  };
  return h('form', { class: 'filters', onsubmit: add },
    h('span', { class: 'muted' }, 'Filters:'),
    state.where.length === 0 ? h('span', { class: 'muted' }, 'none') : null,
    state.where.map((w, i) => {
      const eq = w.indexOf('=');
      return h('span', { class: 'chip' }, `${dimensionLabel(w.slice(0, eq))} = ${w.slice(eq + 1)}`,
        h('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove filter ${w}`,
          onclick: () => update({ where: state.where.filter((_, j) => j !== i), open: [] }) }, '×'));
    }),
    dim, value, h('button', { type: 'submit' }, 'Add filter'));
}

// The month a finance view shows: the URL's, else the current UTC month.
export const shownMonth = (state) =>
  (/^\d{4}-(0[1-9]|1[0-2])$/.test(state.month) ? state.month : new Date().toISOString().slice(0, 7));

export function monthPicker(state, update) {
  return h('label', {}, 'Month ',
    h('input', { type: 'month', id: 'month', value: shownMonth(state), required: true,
      onchange: (e) => { if (e.target.value) update({ month: e.target.value }); } }));
}
