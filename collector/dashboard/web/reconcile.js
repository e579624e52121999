// Reconcile: a month of codepulse's tokens and cost next to what the
// providers' imported usage and cost reports say, per UTC day and model
// (GET /v1/reconcile, docs/PROVIDER_IMPORT.md "Reconciliation"): the
// difference (provider minus codepulse) and its known explanation, and under
// each row the provider's tokens by workspace and API key. A side that is not
// known (not imported, or unpriced) reads "–", never 0.
import { h, notice } from './dom.js';
import { count, formatInt, formatUsd } from './format.js';
import { costCell, diffCell, financePage, intCell, queuedNote, usdCell } from './finance.js';

const NOT_IMPORTED = 'the provider\'s report of this day is not imported';
const HEAD = ['Date', 'Provider', 'Model', 'codepulse tokens', 'Provider tokens', 'Token difference',
  'codepulse cost', 'Provider cost', 'Cost difference', 'Explanation'];

function modelRow(r) {
  const p = r.provider_report;  // null: nothing imported for the day and model
  return h('tr', { class: 'recon-row', dataset: { date: r.date, provider: r.provider, model: r.model } },
    h('td', {}, r.date),
    h('td', {}, r.provider || '(none)'),
    h('td', {}, r.model || '(no model)'),
    intCell(r.codepulse.tokens, '', { class: 'num col-codepulse-tokens' }),
    intCell(p && p.tokens !== undefined ? p.tokens : null, NOT_IMPORTED, { class: 'num col-provider-tokens' }),
    diffCell(r.token_diff, formatInt, 'one side is not known'),
    costCell(r.codepulse.cost_usd, r.codepulse.records, r.codepulse.unpriced_records,
      { class: 'num col-codepulse-cost' }),
    usdCell(p ? p.cost_usd : null, 'the provider\'s cost report of this day is not imported',
      { class: 'num col-provider-cost' }),
    diffCell(r.cost_diff_usd, formatUsd, 'one side is not known'),
    h('td', { class: 'explain' }, r.explanations.join('; ')));
}

function keyRows(r) {
  return ((r.provider_report && r.provider_report.keys) || []).map((k) => h('tr', { class: 'recon-key' },
    h('td', {}), h('td', {}),
    h('td', { class: 'dim' }, `${k.workspace || '(default workspace)'} / ${k.api_key || '(no key)'}`),
    h('td', {}), h('td', { class: 'num dim' }, formatInt(k.tokens)), h('td', {}), h('td', {}), h('td', {}), h('td', {}),
    h('td', {})));
}

// The month's sums of what is known on each side.
function sums(rows) {
  const s = { codepulse: 0, provider: 0, providerDays: new Set() };
  for (const r of rows) {
    s.codepulse += r.codepulse.cost_nanos || 0;
    if (r.provider_report && r.provider_report.cost_nanos !== null) {
      s.provider += r.provider_report.cost_nanos;
      s.providerDays.add(r.date);
    }
  }
  return s;
}

function draw(r, month) {
  if (r.rows.length === 0)
    return [notice('empty', `Nothing to reconcile in ${month}.`,
      'No records and no provider usage for this month. Import the provider\'s usage (codepulse-collector import-usage, ' +
      'or the poller of serve) or pick another month.'), queuedNote()];
  const s = sums(r.rows);
  return [
    h('p', { class: 'totals', id: 'reconcile-totals' },
      `${count(r.rows.length, 'day and model', 'days and models')} from ${r.since} to the day before ${r.until}: ` +
      `codepulse ${formatUsd(s.codepulse / 1e9)} of priced usage; the providers ${formatUsd(s.provider / 1e9)} ` +
      `over ${count(s.providerDays.size, 'day')} of imported cost. Prices: ${r.pricing}.`),
    h('div', { class: 'scroll', tabindex: 0 },
      h('table', { class: 'grid', id: 'reconcile-table' },
        h('thead', {}, h('tr', {}, HEAD.map((c, i) => h('th', { scope: 'col', class: i >= 3 && i <= 8 ? 'num' : null }, c)))),
        h('tbody', {}, r.rows.flatMap((row) => [modelRow(row), ...keyRows(row)])))),
    queuedNote()];
}

export function reconcileView(state, update) {
  return financePage('reconcile', state, update, {
    heading: (month) => `Reconciliation of ${month} with the providers`,
    about: 'Per UTC day and model: codepulse\'s tokens and cost next to the provider\'s imported usage and cost; ' +
      'the difference is the provider\'s minus codepulse\'s. "–": that side is not known (not imported, or no price).',
    what: 'reconciliation',
    draw,
  });
}
