// Numbers as people read them: thousands separators, dollars with cents.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export const formatInt = (n) => integer.format(n);
export const formatUsd = (v) => dollars.format(v);
export const formatPercent = (v) => `${(v * 100).toFixed(1)}%`;

export const METRICS = [
  { id: 'cost_usd', label: 'Cost', kind: 'usd', additive: true },
  { id: 'total_tokens', label: 'Total tokens', kind: 'int', additive: true },
  { id: 'input', label: 'Input tokens', kind: 'int', additive: true },
  { id: 'output', label: 'Output tokens', kind: 'int', additive: true },
  { id: 'cache_create', label: 'Cache create tokens', kind: 'int', additive: true },
  { id: 'cache_read', label: 'Cache read tokens', kind: 'int', additive: true },
  { id: 'records', label: 'Records', kind: 'int', additive: false },
  { id: 'cache_hit_ratio', label: 'Cache hit ratio', kind: 'ratio', additive: false },
  { id: 'cost_per_session', label: 'Cost per session', kind: 'usd', additive: false },
  { id: 'cost_per_active_day', label: 'Cost per active day', kind: 'usd', additive: false },
];

export const DIMENSIONS = [
  { id: 'model', label: 'Model' },
  { id: 'repo', label: 'Repo' },
  { id: 'file', label: 'File' },
  { id: 'author', label: 'Author' },
  { id: 'task', label: 'Task' },
  { id: 'epic', label: 'Epic' },
  { id: 'date', label: 'Date' },
  { id: 'session', label: 'Session' },
  { id: 'branch', label: 'Branch' },
];

export const metricInfo = (id) => METRICS.find((m) => m.id === id) || METRICS[0];
export const dimensionLabel = (id) => (DIMENSIONS.find((d) => d.id === id) || { label: id }).label;

export function formatMetric(id, value) {
  const kind = metricInfo(id).kind;
  if (kind === 'usd') return formatUsd(value);
  if (kind === 'ratio') return formatPercent(value);
  return formatInt(value);
}

// "3 minutes ago", for the health view.
export function ago(ms, now = Date.now()) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${formatInt(Math.round(s / 86400))} days ago`;
}
