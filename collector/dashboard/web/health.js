// Health: which trackers report, when each device sent its last batch, what
// was rejected, and the collector's own queue.
import { advice, api } from './api.js';
import { h, notice } from './dom.js';
import { ago, formatInt } from './format.js';
import { card } from './outcomes.js';

export function healthView() {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    try {
      const hl = await api('/v1/health');
      const refused = Object.entries(hl.refused_batches_since_start);
      const refusedTotal = refused.reduce((s, [, n]) => s + n, 0);
      const recentHours = Math.round(hl.recent_window_ms / 3600e3);
      const devices = hl.devices;
      body.replaceChildren(
        h('div', { class: 'cards' },
          card(`Trackers reporting (last ${recentHours} h)`, `${formatInt(hl.devices_recent)} of ${formatInt(hl.devices_total)}`, 'devices with a batch in the window'),
          card('Records stored', formatInt(hl.records_stored), 'usage records in the collector'),
          card('Collector ingest queue', formatInt(hl.ingest_queue_depth), 'batches waiting for the store now'),
          card('Refused batches', formatInt(refusedTotal),
            refusedTotal ? refused.filter(([, n]) => n).map(([k, n]) => `${k.replace('_', ' ')}: ${formatInt(n)}`).join(', ') : 'since the collector started'),
          card('Tracker queue backlogs', 'not reported', hl.tracker_queue_backlog_note)),
        devices.length === 0
          ? notice('empty', 'No tracker has sent a batch yet.',
            'Install the tracker on a laptop with a tracker token (codepulse-collector token create), then run codepulse-tracker doctor there.')
          : h('table', { class: 'grid', id: 'health-table' },
            h('thead', {}, h('tr', {}, ['Author', 'Device', 'Tracker', 'Last batch', 'Batches', 'Records sent', 'New', 'Rejected records']
              .map((c, i) => h('th', { scope: 'col', class: i > 3 ? 'num' : null }, c)))),
            h('tbody', {}, devices.map((d) => h('tr', { class: hl.now_ms - d.last_received_ms > hl.recent_window_ms ? 'stale' : null },
              h('td', {}, d.author), h('td', {}, d.device_id), h('td', {}, d.tracker_version),
              h('td', { title: new Date(d.last_received_ms).toISOString() }, ago(d.last_received_ms, hl.now_ms)),
              h('td', { class: 'num' }, formatInt(d.batches)),
              h('td', { class: 'num' }, formatInt(d.records_sent)),
              h('td', { class: 'num' }, formatInt(d.records_new)),
              h('td', { class: `num${d.records_rejected ? ' bad' : ''}` }, formatInt(d.records_rejected)))))));
    } catch (e) {
      body.replaceChildren(notice('error', 'Health could not be loaded.', advice(e),
        h('button', { type: 'button', onclick: load }, 'Retry')));
    }
  };
  load();
  return h('section', { class: 'view health' },
    h('div', { class: 'toolbar' }, h('div', { class: 'row' },
      h('button', { type: 'button', id: 'health-refresh', onclick: load }, 'Refresh'))), body);
}
