// The settings shared by the report views: dates, filters, metric.
import { h } from './dom.js';
import { DIMENSIONS, METRICS, dimensionLabel } from './format.js';

export function metricSelect(state, update, id = 'metric') {
  return h('label', {}, 'Metric ',
    h('select', { id, onchange: (e) => update({ metric: e.target.value }) },
      METRICS.map((m) => h('option', { value: m.id, selected: m.id === state.metric }, m.label))));
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
