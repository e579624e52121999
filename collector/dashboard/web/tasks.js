// Task classes: similar tasks side by side (docs/DELIVERY.md, "Task
// classes", GET /v1/tasks/classes): per class of issue type, story points and
// component (or what "Class by" picks), the AI cost distribution (median,
// p75, p90), commits, merged pull requests, bugs caused, cycle time, rework
// rate and lead time to production; the tasks far above their class's
// median; the epics compared with each other.
import { advice, api } from './api.js';
import { dateRange } from './controls.js';
import { h, notice } from './dom.js';
import { NA, count, formatHours, formatInt, formatPercent, formatUsd } from './format.js';

const BY = [
  ['type,points,component', 'type, points, component'],
  ['type,points', 'type, points'],
  ['type', 'type'],
  ['component', 'component'],
  ['label', 'label'],
  ['priority', 'priority'],
];

const or = (v, format) => (v === null || v === undefined ? NA : format(v));

function outlierList(id, list) {
  if (list.length === 0) return h('p', { class: 'muted', id }, 'None.');
  return h('ul', { id }, list.map((o) => h('li', { dataset: { key: o.key } },
    `${o.key} cost ${o.ratio.toFixed(1)}× the median of ${o.of === 'epics' ? 'the epics' : `its class (${o.of})`}: ` +
    `${formatUsd(o.cost_usd)} against ${formatUsd(o.median_usd)}`)));
}

function classTable(r) {
  if (r.classes.length === 0)
    return notice('empty', 'No task resolved in this range.',
      'Task classes come from the Jira webhook (issue type, story points, components, labels, priority) of tasks Jira resolved.');
  const heads = [...r.by.map((b) => b[0].toUpperCase() + b.slice(1)), 'Tasks', 'Median', 'p75', 'p90', 'Total',
    'Commits', 'Merged PRs', 'Bugs', 'Cycle time', 'Rework', 'Lead time'];
  return h('div', { class: 'scroll', tabindex: 0 },
    h('table', { class: 'grid', id: 'task-classes' },
      h('thead', {}, h('tr', {}, heads.map((c, i) => h('th', { scope: 'col', class: i >= r.by.length ? 'num' : null }, c)))),
      h('tbody', {}, r.classes.map((c) => h('tr', { title: c.keys.join(', ') },
        ...r.by.map((b) => h('td', {}, c.class[b])),
        h('td', { class: 'num' }, formatInt(c.tasks)),
        h('td', { class: 'num col-median' }, formatUsd(c.median_usd)),
        h('td', { class: 'num' }, formatUsd(c.p75_usd)),
        h('td', { class: 'num' }, formatUsd(c.p90_usd)),
        h('td', { class: 'num' }, formatUsd(c.cost_usd)),
        h('td', { class: 'num' }, formatInt(c.commits)),
        h('td', { class: 'num' }, formatInt(c.merged_prs)),
        h('td', { class: 'num' }, formatInt(c.bugs)),
        h('td', { class: 'num' }, or(c.cycle_time_hours, formatHours)),
        h('td', { class: 'num', title: `${formatInt(c.reworked_lines)} of ${formatInt(c.lines_added)} lines added reworked` },
          or(c.rework_rate, formatPercent)),
        h('td', { class: 'num', title: `median of ${count(c.shipped_commits, 'commit')} shipped to production` },
          or(c.lead_time_hours, formatHours)))))));
}

export function tasksView(state, update) {
  const by = BY.some(([v]) => v === state.tby) ? state.tby : BY[0][0];
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    try {
      const q = new URLSearchParams({ by });
      if (state.since) q.set('since', state.since);
      if (state.until) q.set('until', state.until);
      const r = await api(`/v1/tasks/classes?${q}`);
      const e = r.epics;
      body.replaceChildren(
        h('p', { class: 'totals' }, `${formatInt(r.tasks)} tasks resolved from ${r.since} to ${r.until}, each with its whole AI spend.`),
        classTable(r),
        h('h2', {}, `Outliers: ${r.outlier_factor}× their class's median or more`),
        outlierList('task-outliers', r.outliers),
        h('h2', {}, 'Epics'),
        h('p', { class: 'muted', id: 'epic-summary' },
          `${formatInt(e.tasks)} epics resolved: median ${formatUsd(e.median_usd)}, p75 ${formatUsd(e.p75_usd)}, ` +
          `p90 ${formatUsd(e.p90_usd)}.`),
        outlierList('epic-outliers', e.outliers));
    } catch (err) {
      body.replaceChildren(notice('error', 'Task classes could not be loaded.', advice(err),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };
  const el = h('section', { class: 'view tasks' },
    h('h1', {}, 'Task classes'),
    h('div', { class: 'toolbar' }, h('div', { class: 'row' },
      h('label', {}, 'Class by ', h('select', { id: 'tasks-by', onchange: (ev) => update({ tby: ev.target.value }) },
        BY.map(([v, label]) => h('option', { value: v, selected: v === by }, label)))),
      dateRange(state, update))),
    body);
  load();
  return el;
}
