// The dashboard in headless chromium against a collector started here with a
// generated store: a bad and a tracker token are refused, a viewer logs in,
// nests Epic → Task → Author, expands nodes (mouse and keyboard), and every
// number shown equals the JSON API's; then the metric changes, the CSV is
// downloaded and checked, and the other views render. No request leaves the
// collector's origin and the page logs no error (CSP violations included).
//   node dashboard.e2e.mjs --collector BIN --bench BIN [--screenshots DIR]
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { apiGet, launch, loadPlaywright, startCollector } from './harness.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const collector = arg('--collector');
const bench = arg('--bench');
const shots = arg('--screenshots');
if (!collector || !bench) {
  console.error('usage: dashboard.e2e.mjs --collector BIN --bench BIN [--screenshots DIR]');
  process.exit(2);
}

const pw = await loadPlaywright();
const c = await startCollector({
  collector,
  makeDb: (db) => execFileSync(bench, ['generate', '--db', db, '--records', '20000', '--seed', '7']),
});
const browser = await launch(pw);
let passed = 0;
const step = async (name, fn) => {
  await fn();
  passed += 1;
  console.log(`ok ${passed} - ${name}`);
};

try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true,
    viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(c.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:'))
      problems.push(`request to another origin: ${r.url()}`);
  });
  const shot = async (name) => shots && page.screenshot({ path: `${shots}/${name}.png`, fullPage: false });
  // A refused login logs a 401/403 in the console by design; only those are expected.
  const expectedRefusals = () => problems.splice(0).filter((p) => !/status of 40[13]/.test(p));

  await step('a bad token is refused with advice', async () => {
    await page.goto(`${c.url}/`);
    await page.fill('#token', 'cpt_not_a_real_token');
    await shot('login');
    await page.click('#login');
    await page.waitForSelector('#login-error .notice-error');
    assert.match(await page.textContent('#login-error'), /unknown or revoked.*token create/s);
  });

  await step('a tracker token is refused', async () => {
    await page.fill('#token', c.tracker);
    await page.click('#login');
    await page.waitForFunction(() => /tracker token cannot open/.test(document.querySelector('#login-error').textContent));
    assert.deepEqual(expectedRefusals(), []);
  });

  await step('a viewer logs in; the cookie is HttpOnly, Secure, SameSite=Strict', async () => {
    await page.fill('#token', c.viewer);
    await page.click('#login');
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.match(await page.textContent('.who'), /lead@acme\.example \(viewer\)/);
    const [cookie] = (await context.cookies()).filter((k) => k.name === '__Host-codepulse_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the cookie');
    await shot('explorer-default');
  });

  const rowsAt = (depth) => page.$$eval(`table.tree tbody tr[data-depth="${depth}"]`, (trs) => trs.map((tr) => ({
    path: JSON.parse(tr.dataset.path),
    value: Number(tr.querySelector('td.metric').dataset.value),
    cost: tr.querySelector('td.col-cost_usd') ? Number(tr.querySelector('td.col-cost_usd').dataset.value) : null,
    text: tr.querySelector('td.metric').textContent,
  })));
  const sameAsApi = (shown, apiRows, metric) => {
    assert.deepEqual(shown.map((r) => r.path[r.path.length - 1]), apiRows.map((r) => r.key));
    assert.deepEqual(shown.map((r) => r.value), apiRows.map((r) => r[metric]));
  };
  let tree;

  await step('nesting Epic → Task → Author; the first level equals the API', async () => {
    await page.fill('#nest-text', 'epic,task,author');
    await page.click('#nest-apply');
    await page.waitForFunction(() => document.querySelector('table.tree thead th').textContent.startsWith('Epic → Task → Author'));
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.match(page.url(), /nest=epic%2Ctask%2Cauthor/);
    tree = await apiGet(c, '/v1/report?group_by=epic,task,author&metric=cost_usd&top=25&format=json');
    const shown = await rowsAt(0);
    assert.ok(shown.length > 1, 'several epics');
    sameAsApi(shown, tree.rows, 'cost_usd');
    assert.match(shown[0].text, /^\$[\d,]+\.\d\d$/, 'dollars with cents and separators');
    assert.match(await page.textContent('#totals'), new RegExp(`\\$${tree.totals.cost_usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).replace(/[.$]/g, '\\$&')}`));
  });

  await step('expanding an epic fetches its tasks only, equal to the API', async () => {
    const epic = tree.rows.find((r) => !r.others && r.children && r.children.length > 1);
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/v1/report')) asked.push(decodeURIComponent(r.url())); });
    await page.click(`table.tree tbody tr[data-depth="0"][data-path='${JSON.stringify([epic.key])}'] button.toggle`);
    await page.waitForSelector('table.tree tbody tr[data-depth="1"]');
    assert.equal(asked.length, 1);
    assert.match(asked[0], /group_by=task&/);
    assert.ok(asked[0].includes(`where=epic=${epic.key}`));
    sameAsApi(await rowsAt(1), epic.children, 'cost_usd');
    assert.match(page.url(), /open=/, 'the URL remembers the open node');
  });

  await step('keyboard: arrows move, ArrowRight expands a task into authors equal to the API', async () => {
    const epic = tree.rows.find((r) => !r.others && r.children && r.children.length > 1);
    const task = epic.children.find((t) => !t.others && t.children && t.children.length > 0);
    const epicRow = `table.tree tbody tr[data-path='${JSON.stringify([epic.key])}']`;
    await page.focus(epicRow);
    const index = epic.children.indexOf(task);
    for (let i = 0; i <= index; ++i) await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement.dataset.path);
    assert.equal(focused, JSON.stringify([epic.key, task.key]));
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('table.tree tbody tr[data-depth="2"]');
    sameAsApi(await rowsAt(2), task.children, 'cost_usd');
    await page.keyboard.press('ArrowLeft');  // closes the task
    await page.waitForFunction(() => !document.querySelector('table.tree tbody tr[data-depth="2"]'));
    await page.keyboard.press('Enter');  // opens it again (children kept)
    await page.waitForSelector('table.tree tbody tr[data-depth="2"]');
    await shot('explorer-epic-task-author');
  });

  await step('switching the metric to total tokens shows the API numbers for it', async () => {
    await page.selectOption('#metric', 'total_tokens');
    await page.waitForFunction(() => /Total tokens/.test(document.querySelector('table.tree thead').textContent) &&
      document.querySelector('table.tree tbody tr[data-depth="0"]'));
    await page.waitForSelector('table.tree tbody tr[data-depth="1"]');  // re-opened from the URL
    const byTokens = await apiGet(c, '/v1/report?group_by=epic,task,author&metric=total_tokens&top=25&format=json');
    const shown = await rowsAt(0);
    sameAsApi(shown, byTokens.rows, 'total_tokens');
    assert.match(shown[0].text, /^\d{1,3}(,\d{3})+$/, 'tokens with thousands separators');
  });

  await step('the CSV holds exactly the rows shown', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'Epic,Task,Author,total_tokens,share,cost_usd,records');
    const shown = await page.$$eval('table.tree tbody tr[data-depth]', (trs) => trs.map((tr) => ({
      path: JSON.parse(tr.dataset.path),
      value: tr.querySelector('td.metric').dataset.value,
      cost: tr.querySelector('td.col-cost_usd').dataset.value,
    })));
    assert.equal(csv.length - 1, shown.length);
    shown.forEach((r, i) => {
      const cells = csv[i + 1].split(',');
      assert.deepEqual(cells.slice(0, 3), [0, 1, 2].map((j) => r.path[j] || ''));
      assert.equal(cells[3], r.value);
      assert.equal(cells[5], r.cost);
    });
  });

  await step('sorting by a column reorders the rows here, without a new request', async () => {
    const asked = [];
    const count = (r) => { if (r.url().includes('/v1/report')) asked.push(r.url()); };
    page.on('request', count);
    const topKeys = async () => page.$$eval('table.tree tbody tr[data-depth="0"]',
      (trs) => trs.map((tr) => JSON.parse(tr.dataset.path)[0]));
    const before = await topKeys();
    await page.click('th button[data-sort="name"]');
    await page.waitForSelector('th[aria-sort="descending"] button[data-sort="name"]');
    const desc = await topKeys();
    const byName = (a, b) => a.localeCompare(b, 'en', { numeric: true });
    assert.deepEqual(desc.filter((k) => k !== '(others)'), [...before].filter((k) => k !== '(others)').sort(byName).reverse());
    await page.click('th button[data-sort="name"]');
    await page.waitForSelector('th[aria-sort="ascending"] button[data-sort="name"]');
    assert.deepEqual((await topKeys()).filter((k) => k !== '(others)'), [...before].filter((k) => k !== '(others)').sort(byName));
    assert.match(page.url(), /sort=name&dir=asc/);
    await page.click('th button[data-sort="value"]');  // back to the metric, largest first
    await page.waitForSelector('th[aria-sort="descending"] button[data-sort="value"]');
    assert.deepEqual(await topKeys(), before);
    page.off('request', count);
    assert.deepEqual(asked, []);
  });

  await step('a shared link restores the view', async () => {
    const link = page.url();
    const other = await context.newPage();
    await other.goto(link);
    await other.waitForSelector('table.tree tbody tr[data-depth="2"]');
    assert.equal(await other.inputValue('#metric'), 'total_tokens');
    await other.close();
  });

  await step('spend over time draws a stacked chart', async () => {
    await page.selectOption('#metric', 'cost_usd');
    await page.click('nav a[data-view="spend"]');
    await page.waitForSelector('#spend-chart canvas');
    const legend = await page.textContent('#spend-chart .u-legend');
    const models = await apiGet(c, '/v1/report?group_by=model&top=8&format=json');
    for (const m of models.rows.filter((r) => !r.others)) assert.ok(legend.includes(m.key), `legend names ${m.key}`);
    // The stack of each day adds up to the day's total from the API (each part
    // comes rounded to a micro-dollar, so the sum may differ by a few).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#spend-csv')]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    const days = await apiGet(c, '/v1/report?group_by=date&metric=cost_usd&granularity=day&format=json');
    assert.equal(lines.length - 1, days.rows.length);
    days.rows.forEach((day, i) => {
      const cells = lines[i + 1].split(',');
      assert.equal(cells[0], day.key);
      const sum = cells.slice(1).reduce((s, v) => s + Number(v), 0);
      assert.ok(Math.abs(sum - day.cost_usd) < 1e-5, `${day.key}: ${sum} vs ${day.cost_usd}`);
    });
    await shot('spend');
  });

  await step('outcomes shows what exists and says what does not', async () => {
    await page.click('nav a[data-view="outcomes"]');
    await page.waitForSelector('#outcomes-table tbody tr');
    const text = await page.textContent('main');
    assert.match(text, /Cache hit ratio/);
    assert.match(text, /Not available yet: Cost per commit/);
    await shot('outcomes');
  });

  await step('health lists the devices from the stored batches', async () => {
    await page.click('nav a[data-view="health"]');
    await page.waitForSelector('#health-table tbody tr');
    const health = await apiGet(c, '/v1/health');
    assert.equal(await page.$$eval('#health-table tbody tr', (t) => t.length), health.devices.length);
    assert.match(await page.textContent('main'), /Tracker queue backlogs\s*not reported/);
    await shot('health');
  });

  await step('empty and error states say what to do', async () => {
    await page.goto(`${c.url}/?view=explorer&nest=repo&where=repo%3Dno-such-repo`);
    await page.waitForSelector('.notice-empty');
    assert.match(await page.textContent('.notice-empty'), /No usage matches.*Widen the date range or remove filters/s);
    await page.goto(`${c.url}/?view=explorer&nest=repo&since=2026-02-01&until=2026-01-01`);
    await page.waitForSelector('.notice-error');
    assert.match(await page.textContent('.notice-error'), /since must be before until.*Change the settings above/s);
    // The browser logs the 400 itself; nothing else may be logged.
    assert.deepEqual(problems.splice(0).filter((p) => !/status of 400/.test(p)), []);
  });

  await step('logging out ends the session', async () => {
    await page.click('#logout');
    await page.waitForSelector('#token');
    await page.goto(`${c.url}/?view=explorer`);
    await page.waitForSelector('#token');
  });

  assert.deepEqual(expectedRefusals(), [], 'no page errors, CSP violations or foreign requests');
  console.log(`${passed} passed, 0 failed`);
} catch (e) {
  console.error(e);
  console.error(`collector log:\n${c.log()}`);
  console.log(`${passed} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await c.stop();
}
