// Hotspots: the files that keep changing (docs/HOTSPOTS.md, GET /v1/hotspots).
// Files of the range ranked by score = changes + 2 × (authors − 1) + 5 ×
// recent heavy rewrites, each with its AI share of changes and lines, the
// rework of its lines and the spend on it; for the whole organisation, one
// team (or group, or org) of the people directory, or one repository.
import { advice, api } from './api.js';
import { dateRange } from './controls.js';
import { h, notice } from './dom.js';
import { NA, formatInt, formatPercent, formatUsd } from './format.js';

const aiLines = (f) => (f.scored_lines_added > 0 ? formatPercent(f.ai_written_lines / f.scored_lines_added) : NA);
const aiLinesWhy = (f) => (f.scored_lines_added > 0
  ? `${formatInt(f.ai_written_lines)} of ${formatInt(f.scored_lines_added)} added lines written by an assistant (line provenance)`
  : 'no added line was scored by line provenance (docs/PROVENANCE.md)');

function fileTable(r) {
  if (r.files.length === 0)
    return notice('empty', 'No file changed in this range.',
      'Hotspots come from the commits the trackers send (and a team\'s, when a team is chosen); merge commits change no file.');
  const heads = ['File', 'Score', 'Changes', 'Authors', 'Heavy rewrites', 'AI changes', 'AI lines', 'Reworked lines',
    'Lines +/−', 'Cost', 'Last change'];
  return h('div', { class: 'scroll', tabindex: 0 },
    h('table', { class: 'grid', id: 'hotspots-table' },
      h('thead', {}, h('tr', {}, heads.map((c, i) => h('th', { scope: 'col', class: i > 0 && i < 10 ? 'num' : null }, c)))),
      h('tbody', {}, r.files.map((f) => h('tr', { dataset: { repo: f.repo, path: f.path } },
        h('th', { scope: 'row', title: f.repo }, f.path),
        h('td', { class: 'num' }, formatInt(f.score)),
        h('td', { class: 'num' }, formatInt(f.changes)),
        h('td', { class: 'num' }, formatInt(f.authors)),
        h('td', { class: 'num' }, formatInt(f.heavy_rewrites)),
        h('td', { class: 'num' }, formatInt(f.ai_changes)),
        h('td', { class: 'num', title: aiLinesWhy(f) }, aiLines(f)),
        h('td', { class: 'num' }, formatInt(f.reworked_lines)),
        h('td', { class: 'num' }, `+${formatInt(f.lines_added)} / −${formatInt(f.lines_removed)}`),
        h('td', { class: 'num', title: f.cost_nanos === null ? 'no spend attributed to this file' : '' },
          f.cost_nanos === null ? NA : formatUsd(f.cost_nanos / 1e9)),
        h('td', {}, f.last_change.slice(0, 10)))))));
}

export function hotspotsView(state, update) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    try {
      const q = new URLSearchParams({ limit: '50' });
      if (state.since) q.set('since', state.since);
      if (state.until) q.set('until', state.until);
      if (state.hteam) q.set('team', state.hteam);
      const r = await api(`/v1/hotspots?${q}`);
      const o = r.options;
      body.replaceChildren(
        h('p', { class: 'totals', id: 'hotspots-scope' },
          `${formatInt(r.files.length)} files${o.team ? ` changed by team ${o.team}` : ''}, ` +
          `heavy rewrites: ${formatInt(o.heavy_rewrite_lines)}+ lines removed in the last ${formatInt(o.recent_days)} days.`),
        fileTable(r),
        h('p', { class: 'muted', id: 'hotspots-scoring' }, r.scoring));
    } catch (err) {
      body.replaceChildren(notice('error', 'Hotspots could not be loaded.', advice(err),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };
  const team = h('input', { id: 'hotspots-team', type: 'text', value: state.hteam || '', placeholder: 'all',
    size: 16, 'aria-label': 'Team, group or org' });
  const el = h('section', { class: 'view hotspots' },
    h('h1', {}, 'Hotspots'),
    h('div', { class: 'toolbar' }, h('div', { class: 'row' },
      h('form', { class: 'hotspots-team', onsubmit: (ev) => { ev.preventDefault(); update({ hteam: team.value.trim() }); } },
        h('label', {}, 'Team ', team), h('button', { type: 'submit' }, 'Apply')),
      dateRange(state, update))),
    body);
  load();
  return el;
}
