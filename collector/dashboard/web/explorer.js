// The nested cost explorer: a tree table over any nesting of dimensions.
// Only the first level is asked for at first; expanding a node asks the
// collector for that node's children alone (the node's path becomes filters),
// so a large store answers quickly at every step. An outcome metric, or the
// commit or pr level, asks for outcomes (commits, pull requests) as well.
// Costs are on the chosen basis (organisation rates or list prices); usage
// without a price is listed above the tree and its cost cells read "unpriced".
import { advice, report } from './api.js';
import { costSelect, dateRange, filterBar, granularitySelect, linksSelect, metricSelect } from './controls.js';
import { download, toCsv } from './csv.js';
import { h, notice } from './dom.js';
import {
  NA, UNPRICED, allUnpriced, costKey, count, dimensionLabel, formatInt, formatMetric, formatPercent, formatUsd, isMoney,
  metricInfo, metricLabelOn, naReason, needsOutcomes,
} from './format.js';
import { nestingEditor } from './nesting.js';
import { unpricedNotice } from './unpriced.js';

const EXTRA_COLUMNS = [
  { id: 'cost_usd', label: 'Cost', format: formatUsd },
  { id: 'total_tokens', label: 'Total tokens', format: formatInt },
  { id: 'records', label: 'Records', format: formatInt },
];
// With outcomes: what the metric is made of.
const OUTCOME_COLUMNS = [
  { id: 'cost_usd', label: 'Cost', format: formatUsd },
  { id: 'commits', label: 'Commits', format: formatInt },
  { id: 'merged_prs', label: 'Merged PRs', format: formatInt },
];

const shownValue = (v) => (v === null || v === undefined ? '' : String(v));
// A number stays a number in the CSV (csv.js writes text cells differently).
const csvValue = (v) => (v === null || v === undefined ? '' : v);

function indent(depth) {
  const span = h('span', { class: 'indent' });
  span.style.width = `${depth * 1.25}em`;  // CSSOM, allowed by the page's CSP
  return span;
}

function makeNode(row, parent) {
  return {
    key: row.key,
    m: row,
    others: !!row.others,
    parent,
    depth: parent ? parent.depth + 1 : -1,
    path: parent && parent.depth >= 0 ? [...parent.path, row.key] : parent ? [row.key] : [],
    children: null,
    open: false,
    loading: false,
    error: null,
  };
}

export function explorerView(initial, update) {
  let state = initial;  // sorting changes it here, without asking the collector again
  const metric = metricInfo(state.metric);
  const outcomes = needsOutcomes(state.metric, state.nest);
  const root = { ...makeNode({ key: '' }, null), open: true };
  const tbody = h('tbody', {});
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const columns = (outcomes ? OUTCOME_COLUMNS : EXTRA_COLUMNS).filter((c) => c.id !== metric.id)
    .map((c) => ({ ...c, key: costKey(c.id, state.cost),
      label: metricLabelOn(c, state.cost) }));
  // The report field the metric reads (list_cost_usd for Cost at list prices).
  const valueKey = costKey(metric.id, state.cost);
  const metricLabel = metricLabelOn(metric, state.cost);
  const unpricedBox = h('div', { class: 'unpriced-box' });

  // The filters of a node's children: the user's, and the node's path (a path
  // value replaces the user's filters on that dimension).
  const childQuery = (node) => {
    const dims = state.nest.slice(0, node.path.length);
    const where = state.where.filter((w) => !dims.includes(w.slice(0, w.indexOf('='))));
    dims.forEach((d, i) => where.push(`${d}=${node.path[i]}`));
    return {
      groupBy: [state.nest[node.path.length]],
      metric: state.metric,
      since: state.since,
      until: state.until,
      where,
      top: state.top,
      granularity: state.gran,
      outcomes,
      links: state.links,
      cost: state.cost,
    };
  };

  const load = async (node) => {
    node.loading = true;
    node.error = null;
    render();
    try {
      const r = await report(childQuery(node));
      if (node === root) {
        root.m = r.totals;
        unpricedBox.replaceChildren(...[unpricedNotice(r)].filter(Boolean));
      }
      node.children = r.rows.map((row) => makeNode(row, node));
    } catch (e) {
      node.error = e;
    }
    node.loading = false;
  };

  const canExpand = (n) => !n.others && n.depth + 1 < state.nest.length;

  const toggle = async (node, open = !node.open) => {
    if (!canExpand(node)) return;
    node.open = open;
    if (open && !node.children) await load(node);
    rememberOpen();
    render(node);
  };

  const rememberOpen = () => {
    const open = [];
    const walk = (n) => (n.children || []).forEach((c) => {
      if (c.open) {
        open.push(c.path);
        walk(c);
      }
    });
    walk(root);
    update({ open }, { silent: true });
  };

  const sorted = (nodes) => {
    const dir = state.dir === 'asc' ? 1 : -1;
    const key = state.sort;
    const val = (n) => (key === 'name' ? n.key : key === 'value' ? n.m[valueKey] : n.m[costKey(key, state.cost)]);
    const none = (v) => v === null || v === undefined;
    return [...nodes].sort((a, b) => {
      if (a.others !== b.others) return a.others ? 1 : -1;
      const x = val(a), y = val(b);
      if (key === 'name') return dir * String(x).localeCompare(String(y), 'en', { numeric: true });
      if (none(x) || none(y)) return none(x) - none(y);  // no value: last either way
      return dir * (x - y);
    });
  };

  const visible = () => {
    const out = [];
    const walk = (n) => {
      for (const c of sorted(n.children || [])) {
        out.push(c);
        if (c.open) walk(c);
      }
    };
    walk(root);
    return out;
  };

  // A node's part of its parent (or of its largest sibling); null when the
  // node has no value: unpriced usage has no share of a cost, not 0%.
  const share = (n) => {
    const v = n.m[valueKey];
    if (v === null || v === undefined) return null;
    if (metric.additive) {
      const parent = n.parent.m[valueKey];
      return parent > 0 ? v / parent : 0;
    }
    const max = Math.max(...n.parent.children.map((c) => c.m[valueKey] || 0), 0);
    return max > 0 ? v / max : 0;
  };
  // Why a share is missing or is a share of the priced part only.
  const shareNote = (n) => {
    if (!isMoney(metric.id)) return null;
    if (allUnpriced(n.m)) return 'unpriced: this usage has no price, so no share of the cost';
    if (n.parent.m.cost_complete === false) return 'a share of the priced cost; unpriced requests are left out';
    return null;
  };

  // A metric cell: its value for tests and CSV, "–" with the reason when none
  // ("unpriced" for the money of usage without a price).
  const cell = (id, key, cls, n, format) => {
    const v = n.m[key];
    const none = v === null || v === undefined;
    const text = none ? (isMoney(id) && allUnpriced(n.m) ? UNPRICED : NA) : format(v);
    return h('td', { role: 'gridcell', class: cls, title: none ? naReason(id, n.m) : null,
      dataset: { value: shownValue(v) } }, text);
  };

  const row = (n) => {
    const expandable = canExpand(n);
    const s = share(n);
    const tr = h('tr', {
      role: 'row', tabindex: '-1', 'aria-level': n.depth + 1,
      'aria-expanded': expandable ? String(n.open) : null,
      class: n.others ? 'others' : null,
      dataset: { path: JSON.stringify(n.path), depth: String(n.depth) },
      onclick: () => focusRow(tr),
    },
    h('td', { role: 'gridcell', class: 'name' },
      indent(n.depth),
      expandable
        ? h('button', { type: 'button', class: 'toggle', tabindex: '-1',
          'aria-label': `${n.open ? 'Collapse' : 'Expand'} ${n.key}`,
          onclick: (e) => { e.stopPropagation(); toggle(n); } }, n.loading ? '…' : n.open ? '▾' : '▸')
        : h('span', { class: 'toggle-space' }),
      h('span', { class: 'dim' }, `${dimensionLabel(state.nest[n.depth])}: `),
      h('span', { class: 'key' }, n.key)),
    h('td', { role: 'gridcell', class: 'share', title: shareNote(n) },
      h('span', { class: 'bar' }, s === null ? null : h('meter', { min: '0', max: '1', value: String(s),
        'aria-label': 'share' })),
      metric.additive ? h('span', { class: 'pct' }, s === null ? NA : formatPercent(s)) : null),
    cell(metric.id, valueKey, 'num metric', n, (v) => formatMetric(metric.id, v)),
    columns.map((c) => cell(c.id, c.key, `num col-${c.id}`, n, c.format)));
    tr.node = n;
    return tr;
  };

  const focusRow = (tr) => {
    for (const r of tbody.querySelectorAll('tr[tabindex="0"]')) r.tabIndex = -1;
    tr.tabIndex = 0;
    tr.focus();
  };

  // Arrow keys move and open/close, Enter toggles, Home/End jump.
  tbody.addEventListener('keydown', (e) => {
    const tr = e.target.closest('tr');
    if (!tr || !tr.node) return;
    const rows = [...tbody.querySelectorAll('tr')].filter((r) => r.node);
    const i = rows.indexOf(tr);
    const n = tr.node;
    const go = (j) => rows[j] && focusRow(rows[j]);
    const parentRow = () => rows.find((r) => r.node === n.parent);
    switch (e.key) {
      case 'ArrowDown': go(i + 1); break;
      case 'ArrowUp': go(i - 1); break;
      case 'Home': go(0); break;
      case 'End': go(rows.length - 1); break;
      case 'ArrowRight':
        if (canExpand(n) && !n.open) toggle(n, true);
        else if (n.open) go(i + 1);
        break;
      case 'ArrowLeft':
        if (n.open) toggle(n, false);
        else if (parentRow()) focusRow(parentRow());
        break;
      case 'Enter':
      case ' ':
        toggle(n);
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  const render = (focusNode) => {
    const hadFocus = tbody.contains(document.activeElement) ? document.activeElement.node : null;
    tbody.replaceChildren();
    status.replaceChildren();
    if (root.loading) {
      status.append(h('p', { class: 'muted' }, 'Loading…'));
      return;
    }
    if (root.error) {
      status.append(notice('error', 'The report could not be loaded.', advice(root.error),
        h('button', { type: 'button', onclick: () => start() }, 'Retry')));
      return;
    }
    const rows = visible();
    if (rows.length === 0) {
      status.append(notice('empty', 'No usage matches.',
        'Widen the date range or remove filters. If this stays empty, open Health to check that trackers are sending batches.'));
      return;
    }
    for (const n of rows) {
      tbody.append(row(n));
      if (n.open && n.error)
        tbody.append(h('tr', {}, h('td', { colspan: String(3 + columns.length), class: 'row-error' },
          advice(n.error))));
      if (n.open && n.children && n.children.length === 0)
        tbody.append(h('tr', {}, h('td', { colspan: String(3 + columns.length), class: 'muted' },
          'No rows under this node.')));
    }
    const target = focusNode || hadFocus;
    const tr = target && [...tbody.querySelectorAll('tr')].find((r) => r.node === target);
    if (tr) focusRow(tr);
    else tbody.querySelector('tr').tabIndex = 0;
    const cost = root.m[costKey('cost_usd', state.cost)];
    const costText = cost === null || cost === undefined ? UNPRICED
      : `${formatUsd(cost)}${root.m.cost_complete === false ? ' (priced usage only)' : ''}`;
    const parts = [costText, count(root.m.total_tokens || 0, 'token'), count(root.m.records || 0, 'record')];
    if (outcomes) parts.splice(1, 2, count(root.m.commits || 0, 'commit'), count(root.m.merged_prs || 0, 'merged PR'));
    if (!['cost_usd', 'total_tokens', 'records', 'commits', 'merged_prs'].includes(metric.id))
      parts.unshift(`${metricLabel}: ${formatMetric(metric.id, root.m[valueKey])}`);
    totalsLine.textContent = `Total: ${parts.join(' · ')}`;
  };

  const start = async () => {
    root.children = null;
    await load(root);
    render();
    // Open what the URL says was open, parents first.
    for (const path of [...state.open].sort((a, b) => a.length - b.length)) {
      let n = root;
      for (const key of path) n = (n && n.children || []).find((c) => c.key === key);
      if (n && canExpand(n)) {
        n.open = true;
        if (!n.children) await load(n);
      }
    }
    render();
  };

  const csv = () => {
    const header = [...state.nest.map(dimensionLabel), valueKey, 'share', ...columns.map((c) => c.key)];
    const rows = visible().map((n) => {
      const s = share(n);
      return [...state.nest.map((_, i) => (i < n.path.length ? n.path[i] : '')),
        csvValue(n.m[valueKey]), s === null ? '' : Number(s.toFixed(4)), ...columns.map((c) => csvValue(n.m[c.key]))];
    });
    download(`codepulse-${state.nest.join('-')}-${valueKey}.csv`, toCsv(header, rows));
  };

  // Sorting is done here, on the rows already fetched: no new request.
  const sortBy = (id) => {
    const dir = state.sort === id && state.dir === 'desc' ? 'asc' : 'desc';
    state = { ...state, sort: id, dir };
    update({ sort: id, dir }, { silent: true });
    head.replaceChildren(headRow());
    render();
  };
  const sortHeader = (id, label, cls) => {
    const active = state.sort === id;
    return h('th', { scope: 'col', class: cls, 'aria-sort': active ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none' },
      h('button', { type: 'button', class: 'sort', dataset: { sort: id }, onclick: () => sortBy(id) },
        label, active ? (state.dir === 'asc' ? ' ▲' : ' ▼') : ''));
  };
  const headRow = () => h('tr', {},
    sortHeader('name', state.nest.map(dimensionLabel).join(' → '), 'name'),
    h('th', { scope: 'col' }, metric.additive ? 'Share of parent' : 'Relative to largest'),
    sortHeader('value', metricLabel, 'num'),
    columns.map((c) => sortHeader(c.id, c.label, 'num')));

  const totalsLine = h('p', { class: 'totals', id: 'totals' });
  const head = h('thead', {}, headRow());
  const table = h('table', { class: 'tree', role: 'treegrid', 'aria-label': 'Cost explorer' }, head, tbody);

  const el = h('section', { class: 'view explorer' },
    h('div', { class: 'toolbar' },
      nestingEditor(state.nest, (nest) => update({ nest, open: [] })),
      h('div', { class: 'row' },
        metricSelect(state, update), costSelect(state, update), dateRange(state, update),
        state.nest.includes('date') ? granularitySelect(state, update) : null,
        h('label', {}, 'Top ', h('input', { id: 'top', type: 'number', min: '1', max: '1000',
          value: String(state.top), onchange: (e) => update({ top: Number(e.target.value) || 25, open: [] }) })),
        h('button', { type: 'button', id: 'csv', onclick: csv }, 'Download CSV')),
      outcomes ? h('div', { class: 'row' }, linksSelect(state, update)) : null,
      filterBar(state, update)),
    totalsLine, unpricedBox, status, table);
  start();
  return el;
}
