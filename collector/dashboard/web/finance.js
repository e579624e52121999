// What the finance views (Reconcile, Statement) share: money cells where an
// unknown amount reads "–" (or "unpriced") and never $0.00, the note on
// records still on laptops, and the button that downloads the collector's
// own CSV of the month (GET /v1/reconcile or /v1/statement, format=csv),
// around the page's month picker.
import { advice, api, apiCsv, financePath } from './api.js';
import { monthPicker, shownMonth } from './controls.js';
import { download } from './csv.js';
import { h, notice } from './dom.js';
import { NA, UNPRICED, formatInt, formatUsd } from './format.js';

// A number cell: "–" with `why` as its tooltip when the value is unknown.
export function numCell(value, format, why, attrs = {}) {
  const known = value !== null && value !== undefined;
  return h('td', { class: 'num', title: known ? null : why, dataset: { value: known ? String(value) : '' }, ...attrs },
    known ? format(value) : NA);
}

export const usdCell = (value, why, attrs) => numCell(value, formatUsd, why, attrs);
export const intCell = (value, why, attrs) => numCell(value, formatInt, why, attrs);

// A cost of records that may all be unpriced: "unpriced", never $0.00.
export function costCell(value, records, unpriced, attrs = {}) {
  if (value === null && records > 0 && unpriced >= records)
    return h('td', { class: 'num', title: 'no price for the model of this usage, so no cost (not $0)',
      dataset: { value: '' }, ...attrs }, UNPRICED);
  return usdCell(value, 'no usage here', attrs);
}

// A signed difference: "+$1.00", "-$0.50", "–" when a side is unknown.
export const diffCell = (value, format, why) => numCell(value, (v) => (v > 0 ? `+${format(v)}` : format(v)), why);

export function queuedNote() {
  return h('p', { class: 'muted', id: 'queued-note' },
    'Records still on laptops\' queues: unknown (they cannot be known centrally). ' +
    'A tracker that has not shipped yet adds to codepulse\'s side later.');
}

// A finance page of `view` ("reconcile", "statement") for the month the state
// names: the month picker and "Download CSV" (the collector's CSV, saved as
// codepulse-<view>-<month>.csv), a heading and an about line, then the nodes
// `draw(doc, month, update)` makes of the month's JSON; `what` names it in errors.
export function financePage(view, state, update, { heading, about, what, draw }) {
  const month = shownMonth(state);
  const status = h('div', { 'aria-live': 'polite' });
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    try {
      body.replaceChildren(...draw(await api(financePath(view, month)), month, update).filter(Boolean));
    } catch (e) {
      body.replaceChildren(notice('error', `The ${what} could not be loaded.`, advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };
  const csv = async () => {
    try {
      download(`codepulse-${view}-${month}.csv`, await apiCsv(financePath(view, month, 'csv')));
    } catch (e) {
      status.replaceChildren(notice('error', 'The CSV could not be downloaded.', advice(e)));
    }
  };
  load();
  return h('section', { class: `view ${view}` },
    h('div', { class: 'toolbar' }, h('div', { class: 'row' },
      monthPicker(state, update), h('button', { type: 'button', id: `${view}-csv`, onclick: csv }, 'Download CSV'))),
    h('h2', {}, heading(month)),
    about ? h('p', { class: 'muted about' }, about) : null,
    status, body);
}
