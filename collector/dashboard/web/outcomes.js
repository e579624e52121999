// Outcomes: what the usage buys, per any one dimension. One report with
// outcomes (GET /v1/report?outcomes=true, docs/METRICS.md) gives every row its
// cost, commits and AI commits, merged pull requests, cost per commit and per
// merged PR, PR cycle time (median, p75 and the phases' medians), rework (AI
// commits against the others) and leverage with its inputs and weights; and,
// from the usage records alone, cost per session and per active day.
// A ratio without a denominator is "–", with a tooltip saying why. Money is
// on the chosen cost basis; usage without a price is listed, its cost reads
// "unpriced", and outcomes computed from a partly priced cost say so.
import { advice, report } from './api.js';
import { costSelect, dateRange, filterBar, granularitySelect, linksSelect } from './controls.js';
import { h, notice } from './dom.js';
import {
  DIMENSIONS, NA, UNPRICED, allUnpriced, costKey, costLabel, count, dimensionLabel, formatHours, formatInt, formatPercent, formatScore,
  formatUsd, isMoney, naReason,
} from './format.js';
import { unpricedNotice } from './unpriced.js';

const int = (id, label) => ({ id, label, format: formatInt });
const usd = (id, label) => ({ id, label, format: formatUsd });
const hours = (id, label) => ({ id, label, format: formatHours });
const pct = (id, label) => ({ id, label, format: formatPercent });

const DELIVERY = [
  usd('cost_usd', 'Cost'),
  int('commits', 'Commits'),
  int('ai_commits', 'AI commits'),
  int('merged_prs', 'Merged PRs'),
  usd('cost_per_commit', 'Cost / commit'),
  usd('cost_per_merged_pr', 'Cost / merged PR'),
  hours('pr_cycle_time_hours', 'PR cycle time (median)'),
  hours('pr_cycle_time_hours_p75', 'PR cycle time (p75)'),
  hours('coding_hours', 'Coding (median)'),
  hours('pickup_hours', 'Pickup (median)'),
  hours('review_hours', 'Review (median)'),
  pct('rework_rate', 'Rework rate'),
  pct('rework_rate_ai', 'Rework, AI commits'),
  pct('rework_rate_other', 'Rework, other commits'),
  usd('reworked_cost_usd', 'Spend on rework (est.)'),
];

const LEVERAGE = [
  int('lines_added', 'Lines added'),
  int('lines_removed', 'Lines removed'),
  int('refactoring_lines', 'Refactoring lines'),
  int('skill_calls', 'Skill calls'),
  int('mcp_calls', 'MCP calls'),
  usd('cost_usd', 'Cost'),
  { id: 'leverage', label: 'Leverage', format: formatScore },
];

// Line provenance (docs/PROVENANCE.md): which lines the assistants wrote,
// whether they lasted, and their rework line by line.
const PROVENANCE = [
  int('scored_lines_added', 'Lines scored'),
  pct('ai_line_share', 'AI share of lines'),
  int('accepted_ai_lines', 'AI lines accepted'),
  usd('cost_per_accepted_ai_line', 'Cost / accepted AI line'),
  pct('ai_survival_21d', 'AI alive 21 d'),
  pct('other_survival_21d', 'Other alive 21 d'),
  pct('ai_survival_90d', 'AI alive 90 d'),
  pct('other_survival_90d', 'Other alive 90 d'),
  usd('cost_per_ai_line_alive_21d', 'Cost / AI line alive 21 d'),
  usd('cost_per_ai_line_alive_90d', 'Cost / AI line alive 90 d'),
  pct('line_rework_rate_ai', 'Rework, AI lines'),
  pct('line_rework_rate_other', 'Rework, other lines'),
  pct('ai_duplication_share', 'AI blocks repeating code'),
  pct('other_duplication_share', 'Other blocks repeating code'),
];

// The rules the provenance cards follow, for their tooltips.
const RULES = {
  share: 'A line is the AI\'s when an assistant wrote it (same text, whitespace aside) before the commit that ' +
    'added it; a line the developer edited afterwards is the developer\'s. Accepted: in a commit on the default ' +
    'branch. Blank and brace-only lines are not counted.',
  survival: (days) => `Alive at ${days} days: of the lines a commit added, those the file still holds, by content, ` +
    `on the default branch as it stood ${days} days after the commit (a rename is followed). Measured on the ` +
    'developer\'s laptop; only counts reach the collector.',
  cost: 'The spend of the rows shown divided by the AI-written lines still alive 21 (and 90) days after their commit.',
  rework: 'Rework at line level: of the lines a commit added, those a later commit deleted or rewrote within the ' +
    'rework window (21 days), the AI\'s told apart line by line; commits whose rework was not told line by line ' +
    'are left out.',
  duplication: 'A block is 6 or more consecutive added lines all written by the AI (or all not); it repeats ' +
    'code when 6 of its lines in a row are found elsewhere in the repository at its commit. Found on the ' +
    'developer\'s laptop; only counts reach the collector.',
};

const USAGE = [
  usd('cost_usd', 'Cost'),
  int('sessions', 'Sessions'),
  usd('cost_per_session', 'Cost / session'),
  int('active_days', 'Active days'),
  usd('cost_per_active_day', 'Cost / active day'),
  pct('cache_hit_ratio', 'Cache hit ratio'),
];

const WEIGHT_NAMES = {
  lines_added: 'lines added', lines_removed: 'lines removed', refactoring: 'refactoring lines',
  skills: 'Skill calls', mcp: 'MCP calls',
};

// "lines_added=1,lines_removed=0.875,..." -> [["lines_added", "1"], ...]
const weightsOf = (text) => (text || '').split(',').filter(Boolean).map((p) => p.split('='));

// One number: its value in data-value (empty when none); none shows "–" (or
// "unpriced" for the money of usage without a price) and says why. Money of a
// partly priced row is marked "*": it covers the priced usage only.
function valueCell(col, n) {
  const v = n[col.key || col.id];
  const none = v === null || v === undefined;
  const why = none ? naReason(col.id, n) : null;
  const partial = !none && isMoney(col.id) && n.cost_complete === false;
  const text = none ? (isMoney(col.id) && allUnpriced(n) ? UNPRICED : NA) : `${col.format(v)}${partial ? '*' : ''}`;
  return h('td', { class: `num col-${col.id}`, title: why || (partial ? 'of the priced usage only' : null),
    'aria-label': none ? `none: ${why}` : null, dataset: { value: none ? '' : String(v) } }, text);
}

// A table of `rows` and their total; `caption` names it, `about` explains it.
function table(id, caption, about, by, cols, rows, totals, extra) {
  const row = (n, total) => h('tr', { class: n.others ? 'others' : total ? 'total' : null,
    dataset: total ? { total: '' } : { key: n.key } },
  h('th', { scope: 'row' }, total ? 'Total' : n.key),
  cols.map((c) => valueCell(c, n)),
  extra ? extra(n) : null);
  // A wide table scrolls on its own; the keyboard can scroll it too.
  return [h('h2', {}, caption), about ? h('p', { class: 'muted about' }, about) : null,
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption }, h('table', { class: 'grid', id, 'aria-label': caption },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, dimensionLabel(by)),
      cols.map((c) => h('th', { scope: 'col', class: 'num' }, c.label)),
      extra ? h('th', { scope: 'col', class: 'num' }, 'Cache read of input-side tokens') : null)),
    h('tbody', {}, rows.map((n) => row(n, false))),
    h('tfoot', {}, row(totals, true))))];
}

// A card; `rule`, when given, is how its number is counted, as its tooltip.
function card(title, value, detail, id, rule) {
  return h('div', { class: 'card', id, title: rule || null, dataset: rule ? { rule: '' } : {} },
    h('div', { class: 'card-title' }, title),
    h('div', { class: 'card-value' }, value), h('div', { class: 'card-detail muted' }, detail));
}

// A number of a card's detail, "–" when there is none.
const ratioText = (v, format) => (v === null || v === undefined ? NA : format(v));

// A card's value: "–" (or "unpriced") with the reason as its tooltip when there is none.
function cardValue(id, n, format) {
  const v = n[id];
  if (v === null || v === undefined)
    return h('span', { title: naReason(id, n) }, isMoney(id) && allUnpriced(n) ? UNPRICED : NA);
  return `${format(v)}${isMoney(id) && n.cost_complete === false ? '*' : ''}`;
}

export function outcomesView(state, update) {
  const by = DIMENSIONS.some((d) => d.id === state.oby) ? state.oby : 'author';
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));

  const load = async () => {
    try {
      const r = await report({ groupBy: [by], since: state.since, until: state.until, where: state.where,
        top: state.top, granularity: state.gran, outcomes: true, links: state.links, cost: state.cost });
      if (r.rows.length === 0) {
        body.replaceChildren(notice('empty', 'No usage or commits in this range.',
          'Widen the date range or remove filters; Health shows whether trackers are sending.'));
        return;
      }
      const t = r.totals;
      // Cost columns read the chosen basis (list_cost_usd at list prices).
      const costName = costLabel(state.cost);
      const onBasis = (cols) => cols.map((c) => (c.id === 'cost_usd'
        ? { ...c, key: costKey('cost_usd', state.cost), label: costName } : c));
      const cost = t[costKey('cost_usd', state.cost)];
      const costText = cost === null || cost === undefined ? UNPRICED : `${formatUsd(cost)}${t.cost_complete === false ? '*' : ''}`;
      const weights = weightsOf(r.leverage_weights);
      const formula = `Leverage = (${weights.map(([k, w]) => `${WEIGHT_NAMES[k] || k} × ${w}`).join(' + ')}) ÷ cost in dollars`;
      const phase = (id, label) => `${label} ${t[id] === null ? NA : formatHours(t[id])}`;
      const inputSide = (n) => n.input + n.cache_create + n.cache_read;
      const of = dimensionLabel(by).toLowerCase();
      body.replaceChildren(...[
        unpricedNotice(r),
        t.cost_complete === false
          ? h('p', { class: 'muted', id: 'partly-priced' },
            '* Partly priced: the cost leaves out the unpriced requests above, so cost per commit, per merged PR, ' +
            'the spend on rework and leverage are computed from the priced usage only.')
          : null,
        h('div', { class: 'cards', id: 'outcome-cards' },
          card('Cost per commit', cardValue('cost_per_commit', t, formatUsd),
            `${costText} over ${count(t.commits, 'commit')}, ${formatInt(t.ai_commits)} of them AI`, 'card-cost-per-commit'),
          card('Cost per merged PR', cardValue('cost_per_merged_pr', t, formatUsd),
            `${formatInt(t.merged_prs)} merged of ${count(t.prs, 'pull request')}`, 'card-cost-per-pr'),
          card('PR cycle time (median)', cardValue('pr_cycle_time_hours', t, formatHours),
            `p75 ${t.pr_cycle_time_hours_p75 === null ? NA : formatHours(t.pr_cycle_time_hours_p75)}; ` +
            [phase('coding_hours', 'coding'), phase('pickup_hours', 'pickup'), phase('review_hours', 'review')].join(', '),
            'card-cycle'),
          card('Rework rate', cardValue('rework_rate', t, formatPercent),
            `${formatInt(t.reworked_lines)} of ${count(t.lines_added, 'added line')} reworked; AI ` +
            `${t.rework_rate_ai === null ? NA : formatPercent(t.rework_rate_ai)}, other ` +
            `${t.rework_rate_other === null ? NA : formatPercent(t.rework_rate_other)}`, 'card-rework'),
          card('Leverage', cardValue('leverage', t, formatScore), 'weighted lines and tool calls per dollar (below)', 'card-leverage'),
          card('Cost per session', cardValue('cost_per_session', t, formatUsd), `${costText} over ${count(t.sessions, 'session')}`, 'card-cost-per-session'),
          card('Cost per active day', cardValue('cost_per_active_day', t, formatUsd), `${count(t.active_days, 'day')} with usage`, 'card-cost-per-day'),
          card('Cache hit ratio', formatPercent(t.cache_hit_ratio),
            `${count(t.cache_read, 'cache-read token')} of ${count(inputSide(t), 'input-side token')}`),
          card('AI share of lines', cardValue('ai_line_share', t, formatPercent),
            `${formatInt(t.ai_written_lines)} of ${count(t.scored_lines_added, 'scored line')}; ` +
            `${formatInt(t.accepted_ai_lines)} accepted, ${ratioText(t.cost_per_accepted_ai_line, formatUsd)} each`,
            'card-ai-share', RULES.share),
          card('AI lines alive at 21 days', cardValue('ai_survival_21d', t, formatPercent),
            `${count(t.ai_lines_alive_21d, 'AI line')} alive; other lines ${ratioText(t.other_survival_21d, formatPercent)}`,
            'card-survival-21', RULES.survival(21)),
          card('AI lines alive at 90 days', cardValue('ai_survival_90d', t, formatPercent),
            `${count(t.ai_lines_alive_90d, 'AI line')} alive; other lines ${ratioText(t.other_survival_90d, formatPercent)}`,
            'card-survival-90', RULES.survival(90)),
          card('Cost per AI line alive (21 d)', cardValue('cost_per_ai_line_alive_21d', t, formatUsd),
            `at 90 days ${ratioText(t.cost_per_ai_line_alive_90d, formatUsd)}`, 'card-cost-per-alive-line', RULES.cost),
          card('Rework, line by line', cardValue('line_rework_rate_ai', t, formatPercent),
            `AI lines ${ratioText(t.line_rework_rate_ai, formatPercent)}, other lines ` +
            `${ratioText(t.line_rework_rate_other, formatPercent)}`, 'card-line-rework', RULES.rework),
          card('AI code duplication', cardValue('ai_duplication_share', t, formatPercent),
            `of ${count(t.ai_blocks, 'AI block')}; other blocks ${ratioText(t.other_duplication_share, formatPercent)}`,
            'card-duplication', RULES.duplication)),
        t.commits === 0
          ? notice('empty', 'No commits in this range.',
            'Trackers send the commits of the repositories their sessions ran in (git_metadata, on by default); ' +
            'commit counts, cost per commit, rework and leverage fill in once they do.')
          : null,
        t.prs === 0
          ? h('p', { class: 'muted', id: 'no-prs' },
            'No pull requests in this range: the collector learns them from GitHub\'s webhook. ' +
            'Until it has some, the pull-request columns show –.')
          : null,
        table('outcomes-table', `Delivery by ${of}`,
          'Commits, AI commits (an AI co-author trailer or a linked session), merged pull requests and what each cost. ' +
          'Cycle time runs from the first commit (or the opening) to the merge, in coding, pickup and review phases; ' +
          'rework is the share of added lines that later commits rewrote or deleted within the rework window, ' +
          'and the spend on rework is the cost in that proportion (an estimate).',
          by, onBasis(DELIVERY), r.rows, t),
        table('provenance-table', `Lines by ${of}`,
          `${RULES.share} ${RULES.survival('21 or 90')} ${RULES.rework} ${RULES.duplication}`, by, onBasis(PROVENANCE), r.rows, t),
        table('leverage-table', `Leverage by ${of}`,
          h('span', { id: 'leverage-formula' }, `${formula}; weights: ${r.leverage_weights}.`), by, onBasis(LEVERAGE), r.rows, t),
        table('usage-table', `Usage by ${of}`,
          'Cost per session and per active day, and the cache hit ratio, from the usage records alone.', by,
          onBasis(USAGE), r.rows, t, (n) => h('td', { class: 'num muted' }, `${formatInt(n.cache_read)} of ${formatInt(inputSide(n))}`)),
      ].flat().filter(Boolean));
    } catch (e) {
      body.replaceChildren(notice('error', 'Outcomes could not be loaded.', advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };

  const el = h('section', { class: 'view outcomes' },
    h('div', { class: 'toolbar' },
      h('div', { class: 'row' },
        h('label', {}, 'By ', h('select', { id: 'outcomes-by', onchange: (e) => update({ oby: e.target.value }) },
          DIMENSIONS.map((d) => h('option', { value: d.id, selected: d.id === by }, d.label)))),
        by === 'date' ? granularitySelect(state, update) : null,
        dateRange(state, update),
        h('label', {}, 'Top ', h('input', { id: 'outcomes-top', type: 'number', min: '1', max: '1000',
          value: String(state.top), onchange: (e) => update({ top: Number(e.target.value) || 25 }) })),
        costSelect(state, update)),
      h('div', { class: 'row' }, linksSelect(state, update)),
      filterBar(state, update)),
    body);
  load();
  return el;
}

export { card };
