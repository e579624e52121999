// Delivery: what the AI spend shipped and what it broke (docs/DELIVERY.md).
// Per environment the DORA metrics (GET /v1/deployments/stats) for every
// deployment and split AI / other / unknown, with their definitions; then the
// AI-attributed bug rate (GET /v1/deployments/bugs): bugs per 1,000 AI lines
// against other lines, and the bugs with the commits that introduced them.
import { advice, api } from './api.js';
import { dateRange } from './controls.js';
import { h, notice } from './dom.js';
import { NA, formatHours, formatInt, formatPercent, formatUsd } from './format.js';
import { card } from './outcomes.js';

const SPLITS = [
  ['all', 'All deployments'],
  ['ai', 'AI: shipped an AI commit'],
  ['other', 'Other: every commit known, none AI'],
  ['unknown', 'Unknown: a commit no tracker sent'],
];

export const DEFINITIONS = [
  ['Deployment frequency', 'deployments (successful or failed, not pending) in the range, per day'],
  ['Lead time for changes', 'per commit a successful deployment shipped: deployment time minus commit time; median and p90'],
  ['Change failure rate', 'failed deployments ÷ deployments: a failed status, a later revert or hotfix, or an incident'],
  ['Time to restore', 'per failed deployment, from the failure to the next good deployment or the incident\'s resolution; median'],
  ['AI cost per deployment', 'the AI spend on the commits a deployment shipped, ÷ deployments'],
];

const or = (v, format) => (v === null || v === undefined ? NA : format(v));
const query = (state) => {
  const q = new URLSearchParams();
  if (state.since) q.set('since', state.since);
  if (state.until) q.set('until', state.until);
  return q.toString() ? `?${q}` : '';
};

function environmentTable(env) {
  return h('div', { class: 'scroll', tabindex: 0 },
    h('table', { class: 'grid delivery-env', dataset: { environment: env.environment } },
      h('caption', {}, `${env.environment}${env.production ? ' (production)' : ''}`),
      h('thead', {}, h('tr', {}, ['Split', 'Deployments', 'Per day', 'Failed', 'Change failure rate',
        'Lead time p50', 'Lead time p90', 'Time to restore', 'AI cost per deployment']
        .map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, c)))),
      h('tbody', {}, SPLITS.map(([id, label]) => {
        const s = env[id];
        return h('tr', { dataset: { split: id } },
          h('th', { scope: 'row' }, label),
          h('td', { class: 'num' }, formatInt(s.deployments)),
          h('td', { class: 'num' }, or(s.deployments_per_day, (v) => v.toFixed(2))),
          h('td', { class: 'num' }, formatInt(s.failed_deployments)),
          h('td', { class: 'num col-cfr' }, or(s.change_failure_rate, formatPercent)),
          h('td', { class: 'num' }, or(s.lead_time_hours, formatHours)),
          h('td', { class: 'num' }, or(s.lead_time_hours_p90, formatHours)),
          h('td', { class: 'num' }, or(s.time_to_restore_hours, formatHours)),
          h('td', { class: 'num' }, or(s.ai_cost_per_deployment_usd, formatUsd)));
      }))));
}

function bugSection(b) {
  const rate = (v) => or(v, (x) => x.toFixed(2));
  return [
    h('h2', {}, 'Bugs per 1,000 lines'),
    h('div', { class: 'cards', id: 'bug-cards' },
      card('AI lines', rate(b.ai_bugs_per_1000_lines),
        `${b.bugs_ai.toFixed(2)} bugs over ${formatInt(b.ai_lines)} AI-written lines`, 'card-bugs-ai'),
      card('Other lines', rate(b.other_bugs_per_1000_lines),
        `${b.bugs_other.toFixed(2)} bugs over ${formatInt(b.other_lines)} other lines`, 'card-bugs-other'),
      card('Bugs', formatInt(b.bugs),
        `${formatInt(b.bugs_unknown)} unknown (no scored line), ${formatInt(b.bugs_unlinked)} unlinked`, 'card-bugs')),
    h('p', { class: 'muted about' },
      'A bug\'s commits: those naming an issue linked as its cause ("is caused by"), and those its fix commits ' +
      'revert or name in a "Fixes:" trailer. Each bug is split between AI and other by the AI-written and other ' +
      'scored lines of its commits (line provenance); merge commits introduce nothing.'),
    b.list.length === 0
      ? h('p', { class: 'muted', id: 'bug-list' }, 'No bug introduced by the commits of this range.')
      : h('table', { class: 'grid', id: 'bug-list' },
        h('thead', {}, h('tr', {}, ['Bug', 'Status', 'AI share', 'Commit', 'Repository', 'How']
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, b.list.flatMap((bug) => bug.commits.map((c, i) => h('tr', { dataset: { bug: bug.key } },
          h('td', {}, i === 0 ? bug.key : ''), h('td', {}, i === 0 ? bug.status : ''),
          h('td', { class: 'num' }, i === 0 ? or(bug.ai_share, formatPercent) : ''),
          h('td', { class: 'mono' }, c.sha.slice(0, 12)), h('td', {}, c.repo), h('td', {}, c.via)))))),
  ];
}

export function deliveryView(state, update) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    try {
      const [stats, bugs] = await Promise.all([
        api(`/v1/deployments/stats${query(state)}`), api(`/v1/deployments/bugs${query(state)}`)]);
      body.replaceChildren(...[
        h('p', { class: 'totals' }, `From ${stats.since} to ${stats.until}.`),
        stats.environments.length === 0
          ? notice('empty', 'No deployments in this range.',
            'The collector learns deployments from GitHub\'s deployment and release events and from POST /v1/deployments (docs/DELIVERY.md).')
          : stats.environments.map(environmentTable),
        h('dl', { class: 'definitions', id: 'delivery-definitions' },
          DEFINITIONS.flatMap(([term, text]) => [h('dt', {}, term), h('dd', {}, text)])),
        ...bugSection(bugs),
      ].flat().filter(Boolean));
    } catch (e) {
      body.replaceChildren(notice('error', 'Delivery could not be loaded.', advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };
  const el = h('section', { class: 'view delivery' },
    h('h1', {}, 'Delivery'),
    h('div', { class: 'toolbar' }, h('div', { class: 'row' }, dateRange(state, update))),
    body);
  load();
  return el;
}
