// Statement: the month finance reads (GET /v1/statement, docs/METRICS.md
// "Monthly statement"): list, organisation and effective cost in total and by
// author (by team once teams exist), repository and model; the seats' charges
// and the idle seats; codepulse's cost next to each provider's imported cost;
// the usage without a price. "Download CSV" saves the collector's CSV.
import { h } from './dom.js';
import { NA, count, formatInt, formatUsd } from './format.js';
import { costCell, diffCell, financePage, queuedNote, usdCell } from './finance.js';
import { card } from './outcomes.js';
import { unpricedNotice } from './unpriced.js';

const money = (v) => (v === null || v === undefined ? NA : formatUsd(v));
const th = (labels, numFrom) =>
  h('thead', {}, h('tr', {}, labels.map((c, i) => h('th', { scope: 'col', class: i >= numFrom ? 'num' : null }, c))));

function linesTable(id, keyLabel, lines) {
  if (lines.length === 0) return h('p', { class: 'muted', id }, 'No usage this month.');
  const costs = (l) => [
    costCell(l.list_cost_usd, l.records, l.unpriced_records, { class: 'num col-list' }),
    costCell(l.cost_usd, l.records, l.unpriced_records, { class: 'num col-org' }),
    costCell(l.effective_cost_usd, l.records, l.unpriced_records, { class: 'num col-effective' })];
  return h('div', { class: 'scroll', tabindex: 0 },
    h('table', { class: 'grid statement-lines', id },
      th([keyLabel, 'Records', 'Unpriced records', 'List cost', 'Organisation cost', 'Effective cost'], 1),
      h('tbody', {}, lines.map((l) => h('tr', { dataset: { key: l.key } },
        h('td', { class: 'name' }, l.key), h('td', { class: 'num' }, formatInt(l.records)),
        h('td', { class: 'num' }, formatInt(l.unpriced_records)), ...costs(l))))));
}

function providersTable(providers) {
  if (providers.length === 0)
    return h('p', { class: 'muted', id: 'statement-providers' },
      'No usage of a model Anthropic or OpenAI bills this month, and no provider cost imported.');
  return h('table', { class: 'grid', id: 'statement-providers' },
    th(['Provider', 'codepulse cost', 'Provider cost', 'Difference', 'Days of provider cost imported'], 1),
    h('tbody', {}, providers.map((p) => h('tr', { dataset: { provider: p.provider } },
      h('td', {}, p.provider),
      usdCell(p.codepulse_cost_usd, '', { class: 'num col-codepulse' }),
      usdCell(p.provider_cost_usd, 'the provider\'s cost is not imported for this month', { class: 'num col-provider' }),
      diffCell(p.diff_usd, formatUsd, 'the provider\'s cost is not imported for this month'),
      h('td', { class: 'num' }, formatInt(p.days_imported))))));
}

function idleTable(seats) {
  if (seats.length === 0) return h('p', { class: 'muted', id: 'statement-idle' }, 'No idle seat: every seat\'s charge is spread over its holder\'s usage.');
  return h('table', { class: 'grid', id: 'statement-idle' },
    th(['Seat', 'Plan', 'Assistant', 'Assignee', 'Charge this month'], 4),
    h('tbody', {}, seats.map((s) => h('tr', {},
      h('td', {}, String(s.seat_id)), h('td', {}, s.plan), h('td', {}, s.assistant), h('td', {}, s.assignee),
      usdCell(s.charge_usd, '', { class: 'num col-charge' })))));
}

function draw(s, month, update) {
  const t = s.total;
  return [
    h('div', { class: 'cards', id: 'statement-cards' },
      card('List cost', money(t.list_cost_usd), 'at the price book\'s list prices', 'card-list'),
      card('Organisation cost', money(t.cost_usd), 'at the organisation\'s rates', 'card-org'),
      card('Effective cost', money(t.effective_cost_usd), 'seats spread over their holders\' usage', 'card-effective'),
      card('Seat charges', formatUsd(s.seats.charges_usd), `of which idle: ${formatUsd(s.seats.idle_usd)}`, 'card-seats')),
    h('p', { class: 'totals' }, `${count(t.records, 'record')} from ${s.since} to the day before ${s.until}. Prices: ${s.pricing}.`),
    unpricedNotice(s),
    h('h2', {}, 'By author'),
    h('p', { class: 'muted about' }, 'By team once teams exist; until then by author.'),
    linesTable('statement-authors', 'Author', s.by_author),
    h('h2', {}, 'By repository'), linesTable('statement-repos', 'Repository', s.by_repo),
    h('h2', {}, 'By model'), linesTable('statement-models', 'Model', s.by_model),
    h('h2', {}, 'Reconciled with the providers'), providersTable(s.providers),
    h('p', { class: 'muted about' }, 'Days and models: ',
      h('a', { href: '#', id: 'statement-to-reconcile', onclick: (e) => { e.preventDefault(); update({ view: 'reconcile' }); } },
        `the reconciliation of ${month}`), '.'),
    h('h2', {}, 'Idle seats'), idleTable(s.idle_seats),
    queuedNote()];
}

export function statementView(state, update) {
  return financePage('statement', state, update, {
    heading: (month) => `Statement of ${month}`,
    what: 'statement',
    draw,
  });
}
