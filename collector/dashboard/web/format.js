// Numbers as people read them: thousands separators, dollars with cents.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export const formatInt = (n) => integer.format(n);
// "1 day", "2 days", "1,500 tokens": a count and its noun, singular for one.
export const count = (n, one, many = `${one}s`) => `${formatInt(n)} ${n === 1 ? one : many}`;
export const formatUsd = (v) => dollars.format(v);
export const formatPercent = (v) => `${(v * 100).toFixed(1)}%`;
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const formatHours = (v) => `${decimal.format(v)} h`;
export const formatScore = (v) => decimal.format(v);
// What an empty outcome cell shows; its tooltip says why (naReason).
export const NA = '–';
// What a cost cell of usage without any price shows: never $0.00.
export const UNPRICED = 'unpriced';

// The report field of a metric on a cost basis ("org", "list" or "effective"):
// the JSON's cost_usd is the organisation's cost, list_cost_usd the list
// price, effective_cost_usd the effective cost (seats spread over their
// holders' usage, docs/METRICS.md); every other money field is already on the
// basis the report was asked for.
const BASIS_KEY = { list: 'list_cost_usd', effective: 'effective_cost_usd' };
export const costKey = (id, basis) => (id === 'cost_usd' && BASIS_KEY[basis] ? BASIS_KEY[basis] : id);
// What the cost of a basis is called in headers and totals.
const BASIS_LABEL = { list: 'List cost', effective: 'Effective cost' };
export const costLabel = (basis) => BASIS_LABEL[basis] || 'Cost';
// A metric's label on a cost basis: "Cost" becomes "List cost" or "Effective cost".
export const metricLabelOn = (metric, basis) => (metric.id === 'cost_usd' ? costLabel(basis) : metric.label);
// The fields that are money (or computed from it), null when a node's every
// record is unpriced.
const MONEY = new Set(['cost_usd', 'list_cost_usd', 'effective_cost_usd', 'cost_per_session', 'cost_per_active_day', 'cost_per_commit',
  'cost_per_merged_pr', 'reworked_cost_usd', 'leverage', 'cost_per_accepted_ai_line', 'cost_per_ai_line_alive_21d',
  'cost_per_ai_line_alive_90d']);
export const isMoney = (id) => MONEY.has(id);
// A report node whose records are all unpriced: it has no cost.
export const allUnpriced = (n) => n.unpriced_records > 0 && n.unpriced_records >= n.records;
// "3 requests of model glm-4.6 unpriced (4,500 tokens)"
export const unpricedLine = (u) =>
  `${count(u.requests, 'request')} of model ${u.model} unpriced (${count(u.tokens, 'token')})`;

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
  // Outcomes (docs/METRICS.md): asking for one makes the report carry
  // commits and pull requests. A commit counts in every node it belongs to
  // (two tasks, two sessions), so none of them adds up over children.
  { id: 'commits', label: 'Commits', kind: 'int', additive: false, outcome: true },
  { id: 'merged_prs', label: 'Merged PRs', kind: 'int', additive: false, outcome: true },
  { id: 'cost_per_commit', label: 'Cost per commit', kind: 'usd', additive: false, outcome: true },
  { id: 'cost_per_merged_pr', label: 'Cost per merged PR', kind: 'usd', additive: false, outcome: true },
  { id: 'pr_cycle_time_hours', label: 'PR cycle time (median)', kind: 'hours', additive: false, outcome: true },
  { id: 'pr_cycle_time_hours_p75', label: 'PR cycle time (p75)', kind: 'hours', additive: false, outcome: true },
  { id: 'rework_rate', label: 'Rework rate', kind: 'ratio', additive: false, outcome: true },
  { id: 'leverage', label: 'Leverage', kind: 'score', additive: false, outcome: true },
];

export const DIMENSIONS = [
  { id: 'model', label: 'Model' },
  { id: 'assistant', label: 'Assistant' },
  { id: 'repo', label: 'Repo' },
  { id: 'file', label: 'File' },
  { id: 'author', label: 'Author' },
  { id: 'person', label: 'Person' },
  { id: 'team', label: 'Team' },
  { id: 'group', label: 'Group' },
  { id: 'org', label: 'Organisation' },
  { id: 'level', label: 'Level' },
  { id: 'task', label: 'Task' },
  { id: 'epic', label: 'Epic' },
  { id: 'date', label: 'Date' },
  { id: 'session', label: 'Session' },
  { id: 'branch', label: 'Branch' },
  { id: 'commit', label: 'Commit', outcome: true },
  { id: 'pr', label: 'Pull request', outcome: true },
];

export const metricInfo = (id) => METRICS.find((m) => m.id === id) || METRICS[0];
export const dimensionLabel = (id) => (DIMENSIONS.find((d) => d.id === id) || { label: id }).label;

// True when a report with this metric and nesting carries outcomes.
export const needsOutcomes = (metric, dims = []) =>
  !!metricInfo(metric).outcome || dims.some((d) => DIMENSIONS.some((x) => x.id === d && x.outcome));

export function formatMetric(id, value) {
  if (value === null || value === undefined) return NA;
  const kind = metricInfo(id).kind;
  if (kind === 'usd') return formatUsd(value);
  if (kind === 'ratio') return formatPercent(value);
  if (kind === 'hours') return formatHours(value);
  if (kind === 'score') return formatScore(value);
  return formatInt(value);
}

// Why an outcome of a report node `n` is null, in words for a tooltip.
export function naReason(id, n) {
  if (isMoney(id) && allUnpriced(n)) return 'unpriced: no price for the model of this usage, so no cost (not $0)';
  const noMerged = 'no merged pull request here';
  switch (id) {
    case 'cost_per_commit': return 'no commits here';
    case 'cost_per_merged_pr':
    case 'pr_cycle_time_hours':
    case 'pr_cycle_time_hours_p75': return noMerged;
    case 'coding_hours': return n.merged_prs ? 'no commit before its pull request was opened' : noMerged;
    case 'pickup_hours':
    case 'review_hours': return n.merged_prs ? 'no review before the merge' : noMerged;
    case 'rework_rate':
    case 'reworked_cost_usd': return n.commits ? 'no lines added' : 'no commits here';
    case 'rework_rate_ai': return n.ai_commits ? 'no lines added by AI commits' : 'no AI commits here';
    case 'rework_rate_other':
      return n.commits > n.ai_commits ? 'no lines added by other commits' : 'no commits without AI here';
    case 'leverage': return 'no spend here';
    case 'ai_line_share': return 'no added lines scored by line provenance here';
    case 'cost_per_accepted_ai_line': return 'no AI-written lines on the default branch here';
    case 'ai_survival_21d':
    case 'ai_survival_90d':
    case 'other_survival_21d':
    case 'other_survival_90d':
    case 'cost_per_ai_line_alive_21d':
    case 'cost_per_ai_line_alive_90d': {
      const days = id.endsWith('90d') ? 90 : 21;
      return `no scored lines measured ${days} days after their commit here (a mark is measured once it has passed)`;
    }
    case 'line_rework_rate_ai':
    case 'line_rework_rate_other': return 'no commit whose rework the trackers told line by line here';
    case 'ai_duplication_share': return 'no block of 6 or more AI-written lines here';
    case 'other_duplication_share': return 'no block of 6 or more other lines here';
    default: return 'not available';
  }
}

// "3 minutes ago", for the health view.
export function ago(ms, now = Date.now()) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${count(Math.round(s / 86400), 'day')} ago`;
}
