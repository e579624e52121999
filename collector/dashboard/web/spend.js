// Spend over time: one stacked bar per day, week or month, split by model or
// any one dimension (its top 8, the rest as "others"). Three small questions
// to the collector: the top keys, the totals per period, and those keys per
// period; "others" is the difference, so the stack adds up to the total.
// Cost is on the chosen basis; usage without a price has no bar (its cost is
// unknown, not $0) and is listed above the chart. The time axis spans the
// chosen range (every period, with usage or not), the value axis rounded
// steps (chart_axes.js); "others" shows only when series were left out.
import uPlot from 'uplot';

import { advice, report } from './api.js';
import { periodLabel, periodsOfRange, timeTicks, valueTicks, yearsOf } from './chart_axes.js';
import { describeChart } from './chart_layout.js';
import { costSelect, dateRange, filterBar, granularitySelect, metricSelect } from './controls.js';
import { download, toCsv } from './csv.js';
import { h, notice } from './dom.js';
import { DIMENSIONS, UNPRICED, costKey, dimensionLabel, formatMetric, metricInfo, metricLabelOn } from './format.js';
import { unpricedNotice } from './unpriced.js';

const COLORS = ['#2f6fdf', '#e8833a', '#3aa35b', '#c8423f', '#8a5cc7', '#8c6d46', '#d36fb0', '#6b7280', '#b9bec7'];
const SERIES = 8;
const FONT_PX = 12;
const TICK_PX = 6;  // tick marks
const AXIS_GAP = 6;  // between a tick mark and its label
const bars = uPlot.paths.bars({ size: [0.8, 60] });
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// A tick label: money with as many decimals as the step needs (at least
// cents, none for whole dollars), other metrics as whole or decimal numbers.
function axisValue(kind, v, decimals) {
  const digits = kind === 'usd' ? (decimals === 0 ? 0 : Math.max(2, decimals)) : decimals;
  return new Intl.NumberFormat('en-US', { style: kind === 'usd' ? 'currency' : 'decimal', currency: 'USD',
    minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

// The width in CSS pixels of a text in `font`.
function measurer(font) {
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = font;
  return (text) => ctx.measureText(text).width;
}

export function spendView(state, update) {
  const metric = metricInfo(state.metric);
  const chartBox = h('div', { class: 'chart', id: 'spend-chart' });
  const unpricedBox = h('div', { class: 'unpriced-box' });
  const key = costKey(metric.id, state.cost);  // the report field charted
  const label = metricLabelOn(metric, state.cost);
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
      const allKeys = [...keys];
      // "(others)" only when the collector left series out (more than shown),
      // never from the rounding of the parts: the difference to each total.
      // An unpriced part (null) has no bar: it adds nothing to the priced total.
      if (top.rows.some((r) => r.others)) {
        allKeys.push('(others)');
        values.set('(others)', periods.map((_, i) => Math.max(0,
          (totals.rows[i][key] || 0) - keys.reduce((s, k) => s + (values.get(k)[i] || 0), 0))));
      }
      shown = { periods, keys: allKeys, values };
      status.replaceChildren();
      draw(periods, allKeys, values);
    } catch (e) {
      status.replaceChildren(notice('error', 'The chart could not be loaded.', advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };

  const draw = (dataKeys, keys, values) => {
    // Every period of the chosen range, with or without usage: the x scale
    // runs from the first one's start to the last one's end, each bar in the
    // middle of its period (seconds, as uPlot counts).
    const periods = periodsOfRange(state.since, state.until, dataKeys, state.gran);
    const at = new Map(dataKeys.map((k, i) => [k, i]));
    const xs = periods.map((p) => (p.start + p.end) / 2000);
    const stacked = [];
    let acc = periods.map(() => 0);
    for (const k of keys) {
      acc = acc.map((v, i) => v + (at.has(periods[i].key) ? values.get(k)[at.get(periods[i].key)] || 0 : 0));
      stacked.push(acc.map((v, i) => (at.has(periods[i].key) ? v : null)));
    }
    const max = Math.max(0, ...acc);
    // Drawn top of the stack first, so each lower band paints over it; the
    // legend lists them in the same order, top of the stack first.
    const order = keys.map((_, i) => i).reverse();
    const height = 360;
    const y = valueTicks(max, Math.max(2, Math.floor((height - 60) / 50)), metric.kind === 'int');
    const yText = y.ticks.map((t) => axisValue(metric.kind, t, y.decimals));
    const font = `${FONT_PX}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
    const measure = measurer(font);
    let xTicks = [];
    const opts = {
      width: Math.max(320, (chartBox.clientWidth || 916) - 16),
      height,
      legend: { live: true },
      scales: {
        x: { time: false, range: () => [periods[0].start / 1000, periods[periods.length - 1].end / 1000] },
        y: { range: () => [0, y.top] },
      },
      axes: [
        {
          font, label: `${capital(state.gran)} (UTC), ${yearsOf(periods)}`, labelFont: font, gap: AXIS_GAP,
          ticks: { size: TICK_PX }, grid: { show: false },
          splits: (u) => {
            const widest = Math.max(...periods.map((p) => measure(periodLabel(p.start, state.gran))));
            xTicks = timeTicks(periods, state.gran, u.bbox.width / uPlot.pxRatio, widest);
            return xTicks.map((t) => t.at / 1000);
          },
          values: () => xTicks.map((t) => t.text),
        },
        {
          font, gap: AXIS_GAP, ticks: { size: TICK_PX },
          size: () => Math.ceil(Math.max(...yText.map(measure))) + TICK_PX + AXIS_GAP + 8,
          splits: () => y.ticks,
          values: () => yText,
        },
      ],
      series: [
        { label: state.gran, value: (u, v, si, i) => (i == null ? '' : periods[i].key) },
        ...order.map((k) => ({
          label: keys[k],
          fill: COLORS[k % COLORS.length],
          stroke: COLORS[k % COLORS.length],
          paths: bars,
          points: { show: false },
          value: (u, v, si, i) => {
            if (i == null || !at.has(periods[i].key)) return '';
            const x = values.get(keys[k])[at.get(periods[i].key)];
            return x === null || x === undefined ? UNPRICED : formatMetric(metric.id, x);
          },
        })),
      ],
      hooks: { draw: [(u) => describeChart(u, chartBox, { x: xTicks, y: y.ticks.map((t, i) => ({ at: t, text: yText[i] })),
        font, fontPx: FONT_PX, tickPx: TICK_PX, gapPx: AXIS_GAP, colors: order.map((k) => COLORS[k % COLORS.length]) })] },
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

