// The notice every report view shows when some usage has no price: one line
// per model, "N requests of model M unpriced", since its cost is unknown and
// never counted as $0.
import { h } from './dom.js';
import { unpricedLine } from './format.js';

// The notice for a report's `unpriced` list, or null when everything is priced.
export function unpricedNotice(report) {
  const models = (report && report.unpriced) || [];
  if (models.length === 0) return null;
  return h('div', { class: 'notice notice-unpriced', role: 'status', id: 'unpriced' },
    h('strong', {}, 'Some usage has no price.'),
    h('ul', { class: 'unpriced-list' }, models.map((u) => h('li', {}, unpricedLine(u)))),
    h('p', { class: 'muted' },
      'Their cost is unknown, not $0: costs, shares and what is computed from them cover the priced usage only, ' +
      'and rows holding only these requests read "unpriced". They are priced as soon as the collector has a price ' +
      'for the model.'));
}
