// The whole view lives in the URL's query string, so a link shows a colleague
// exactly what you see: the view, nesting, metric, dates, filters, top-N,
// sorting, the session-commit links counted, the cost basis, the expanded rows
// and the month of the finance views.

const DEFAULTS = {
  view: 'explorer',
  nest: ['model', 'repo', 'author'],
  metric: 'cost_usd',
  since: '',
  until: '',
  where: [],
  top: 25,
  gran: 'day',
  sort: 'value',
  dir: 'desc',
  open: [],
  by: 'model',
  oby: 'author',
  tby: 'type,points,component',
  hteam: '',
  links: 'strong',
  cost: 'org',
  month: '',
};

export function readState(search = location.search) {
  const q = new URLSearchParams(search);
  const s = structuredClone(DEFAULTS);
  if (q.get('view')) s.view = q.get('view');
  if (q.get('nest') !== null) s.nest = q.get('nest').split(',').filter(Boolean);
  for (const k of ['metric', 'since', 'until', 'gran', 'sort', 'dir', 'by', 'oby', 'tby', 'hteam', 'links', 'cost', 'month'])
    if (q.get(k) !== null) s[k] = q.get(k);
  if (q.get('top') !== null) s.top = Math.max(1, Math.min(1000, Number(q.get('top')) || DEFAULTS.top));
  s.where = q.getAll('where');
  s.open = q.getAll('open').map((p) => {
    try {
      const v = JSON.parse(p);
      return Array.isArray(v) ? v.map(String) : null;
    } catch {
      return null;
    }
  }).filter(Boolean);
  return s;
}

export function writeState(s, { push = false } = {}) {
  const q = new URLSearchParams();
  q.set('view', s.view);
  q.set('nest', s.nest.join(','));
  q.set('metric', s.metric);
  if (s.since) q.set('since', s.since);
  if (s.until) q.set('until', s.until);
  for (const w of s.where) q.append('where', w);
  q.set('top', String(s.top));
  q.set('gran', s.gran);
  q.set('sort', s.sort);
  q.set('dir', s.dir);
  q.set('by', s.by);
  q.set('oby', s.oby);
  q.set('tby', s.tby);
  if (s.hteam) q.set('hteam', s.hteam);
  q.set('links', s.links);
  q.set('cost', s.cost);
  if (s.month) q.set('month', s.month);
  for (const p of s.open) q.append('open', JSON.stringify(p));
  const url = `${location.pathname}?${q}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
