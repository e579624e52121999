// Spend over time: one stacked bar per day, week or month, split by model or
// any one dimension (its top 8, the rest as "others"). Three small questions
// to the collector: the top keys, the totals per period, and those keys per
// period; "others" is the difference, so the stack adds up to the total.
// Cost is on the chosen basis; usage without a price has no bar (its cost is
// unknown, not $0) and is listed above the chart.
import uPlot from 'uplot';

import { advice, report } from './api.js';
import { costSelect, dateRange, filterBar, granularitySelect, metricSelect } from './controls.js';
import { download, toCsv } from './csv.js';
import { h, notice } from './dom.js';
import { DIMENSIONS, UNPRICED, costKey, dimensionLabel, formatMetric, metricInfo } from './format.js';
import { unpricedNotice } from './unpriced.js';

const COLORS = ['#2f6fdf', '#e8833a', '#3aa35b', '#c8423f', '#8a5cc7', '#8c6d46', '#d36fb0', '#6b7280', '#b9bec7'];
const SERIES = 8;

export function spendView(state, update) {
  const metric = metricInfo(state.metric);
  const chartBox = h('div', { class: 'chart', id: 'spend-chart' });
  const unpricedBox = h('div', { class: 'unpriced-box' });
  const key = costKey(metric.id, state.cost);  // the report field charted
  const label = metric.id === 'cost_usd' && state.cost === 'list' ? 'List cost' : metric.label;
  const status = h('div', { class: 'status', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const by = DIMENSIONS.some((d) => d.id === state.by && d.id !== 'date') ? state.by : 'model';
  let shown = null;  // {periods, keys, values[key][i]} for the CSV

  const base = { metric: state.metric, since: state.since, until: state.until, granularity: state.gran,
    cost: state.cost };
  const load = async () => {
    if (!metric.additive) {
      status.replaceChildren(notice('empty', `${metric.label} does not stack.`,
        'Stacked spend needs an additive metric: pick Cost or a token count.'));
      return;
    }
    try {
      const [top, totals] = await Promise.all([
        report({ ...base, groupBy: [by], where: state.where, top: SERIES }),
        report({ ...base, groupBy: ['date'], where: state.where })]);
      unpricedBox.replaceChildren(...[unpricedNotice(totals)].filter(Boolean));
      const keys = top.rows.filter((r) => !r.others).map((r) => r.key);
      if (totals.rows.length === 0) {
        status.replaceChildren(notice('empty', 'No usage in this range.',
          'Widen the date range or remove filters; Health shows whether trackers are sending.'));
        return;
      }
      const others = state.where.filter((w) => !w.startsWith(`${by}=`));
      const split = keys.length
        ? await report({ ...base, groupBy: ['date', by], where: [...others, ...keys.map((k) => `${by}=${k}`)] })
        : { rows: [] };
      const periods = totals.rows.map((r) => r.key);
      const values = new Map(keys.map((k) => [k, periods.map(() => 0)]));
      const index = new Map(periods.map((p, i) => [p, i]));
      for (const p of split.rows)
        for (const c of p.children || [])
          if (values.has(c.key)) values.get(c.key)[index.get(p.key)] = c[key];
      // An unpriced part (null) has no bar: it adds nothing to the priced total.
      const rest = periods.map((_, i) => (totals.rows[i][key] || 0) - keys.reduce((s, k) => s + (values.get(k)[i] || 0), 0));
      const allKeys = [...keys];
      // Sums of decimal costs differ in the last bits: "others" only when real.
      if (rest.some((v, i) => v > 1e-6 * Math.max(1, totals.rows[i][key] || 0))) {
        allKeys.push('(others)');
        values.set('(others)', rest.map((v) => Math.max(0, v)));
      }
      shown = { periods, keys: allKeys, values };
      status.replaceChildren();
      draw(periods, allKeys, values);
    } catch (e) {
      status.replaceChildren(notice('error', 'The chart could not be loaded.', advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };

  const draw = (periods, keys, values) => {
    // x: the start of each period in seconds (uPlot's time axis).
    const xs = periods.map((p) => periodStart(p, state.gran));
    const stacked = [];
    let acc = periods.map(() => 0);
    for (const k of keys) {
      acc = acc.map((v, i) => v + (values.get(k)[i] || 0));
      stacked.push(acc);
    }
    // Drawn top of the stack first, so each lower band paints over it; the
    // legend lists them in the same order, top of the stack first.
    const order = keys.map((_, i) => i).reverse();
    const bars = uPlot.paths.bars({ size: [0.8, 60] });
    const opts = {
      width: Math.max(320, chartBox.clientWidth || 900),
      height: 360,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max * 1.05 || 1] } },
      axes: [{}, { values: (u, ticks) => ticks.map((t) => formatMetric(metric.id, t)), size: 90 }],
      series: [
        { label: state.gran, value: (u, v, si, i) => (i == null ? '' : periods[i]) },
        ...order.map((k) => ({
          label: keys[k],
          fill: COLORS[k % COLORS.length],
          stroke: COLORS[k % COLORS.length],
          paths: bars,
          points: { show: false },
          value: (u, v, si, i) => {
            if (i == null) return '';
            const x = values.get(keys[k])[i];
            return x === null || x === undefined ? UNPRICED : formatMetric(metric.id, x);
          },
        })),
      ],
    };
    chartBox.replaceChildren();
    new uPlot(opts, [xs, ...order.map((k) => stacked[k])], chartBox);
  };

  const csv = () => {
    if (!shown) return;
    const rows = shown.periods.map((p, i) => [p, ...shown.keys.map((k) => shown.values.get(k)[i] ?? '')]);
    download(`codepulse-spend-${by}-${state.gran}.csv`, toCsv([state.gran, ...shown.keys], rows));
  };

  const el = h('section', { class: 'view spend' },
    h('div', { class: 'toolbar' },
      h('div', { class: 'row' },
        h('label', {}, 'Split by ', h('select', { id: 'spend-by', onchange: (e) => update({ by: e.target.value }) },
          DIMENSIONS.filter((d) => d.id !== 'date').map((d) => h('option', { value: d.id, selected: d.id === by }, d.label)))),
        metricSelect(state, update), costSelect(state, update), granularitySelect(state, update),
        dateRange(state, update),
        h('button', { type: 'button', id: 'spend-csv', onclick: csv }, 'Download CSV')),
      filterBar(state, update)),
    h('h2', {}, `${label} per ${state.gran}, by ${dimensionLabel(by).toLowerCase()}`),
    unpricedBox, status, chartBox);
  load();
  return el;
}

// "2026-03-01", "2026-W09" or "2026-03" -> seconds at the period's start (UTC).
export function periodStart(key, gran) {
  if (gran === 'week') {
    const [y, w] = key.split('-W').map(Number);
    const jan4 = Date.UTC(y, 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86400e3;
    return (monday + (w - 1) * 7 * 86400e3) / 1000;
  }
  if (gran === 'month') {
    const [y, m] = key.split('-').map(Number);
    return Date.UTC(y, m - 1, 1) / 1000;
  }
  const [y, m, d] = key.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}
