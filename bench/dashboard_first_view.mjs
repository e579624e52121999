// How fast the dashboard shows its first view on a large store: a collector
// serving STORE (copied by bench/dashboard.sh), a viewer logged in in
// headless chromium, then per view ROUNDS page loads timed from navigation to
// the first rendered row (or chart), min / median / max in ms. The first load
// after the collector started is reported apart (it faults in the query's
// working memory).
//   node bench/dashboard_first_view.mjs --collector BIN --db STORE [--rounds 5]
import { apiGet, launch, loadPlaywright, startCollector } from '../collector/dashboard/tests/harness.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const collector = arg('--collector');
const db = arg('--db');
const rounds = Number(arg('--rounds', '5'));
if (!collector || !db) {
  console.error('usage: dashboard_first_view.mjs --collector BIN --db STORE [--rounds N]');
  process.exit(2);
}

const pw = await loadPlaywright();
const started = Date.now();
const c = await startCollector({ collector, db });
const ready = c.log().match(/report cube ready: .*/);
console.log(`collector ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${ready ? ready[0] : '?'})`);
const browser = await launch(pw);
try {
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto(`${c.url}/`);
  await page.fill('#token', c.viewer);
  const t0 = Date.now();
  await page.click('#login');
  await page.waitForSelector('table.tree tbody tr[data-depth="0"]', { timeout: 120_000 });
  console.log(`first view after start (login → default explorer rendered): ${Date.now() - t0} ms\n`);

  const views = [
    ['explorer, Model → Repo → Author (default)', '?view=explorer&nest=model,repo,author', 'table.tree tbody tr[data-depth="0"]'],
    ['explorer, Epic → Task → Author', '?view=explorer&nest=epic,task,author', 'table.tree tbody tr[data-depth="0"]'],
    ['explorer, Repo → File, cache hit ratio', '?view=explorer&nest=repo,file&metric=cache_hit_ratio', 'table.tree tbody tr[data-depth="0"]'],
    ['spend over time by model, per day', '?view=spend&by=model&gran=day', '#spend-chart canvas'],
    ['outcomes by author', '?view=outcomes&by=author', '#outcomes-table tbody tr'],
    ['health', '?view=health', '#health-table tbody tr'],
  ];
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0]} / ${s[Math.floor(s.length / 2)]} / ${s[s.length - 1]}`;
  };
  console.log('| view (page load → first row or chart drawn) | ms, min / median / max |');
  console.log('|---|---:|');
  for (const [name, query, selector] of views) {
    const times = [];
    for (let i = 0; i < rounds; ++i) {
      const t = Date.now();
      await page.goto(`${c.url}/${query}`);
      await page.waitForSelector(selector, { timeout: 120_000 });
      times.push(Date.now() - t);
    }
    console.log(`| ${name} | ${stats(times)} |`);
  }
  // Expanding a node: only its children are asked for.
  await page.goto(`${c.url}/?view=explorer&nest=epic,task,author`);
  await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
  const paths = await page.$$eval('table.tree tbody tr[data-depth="0"]', (trs) =>
    trs.filter((tr) => tr.hasAttribute('aria-expanded')).map((tr) => tr.dataset.path));
  const times = [];
  for (let i = 0; i < rounds; ++i) {
    const toggle = `table.tree tbody tr[data-path='${paths[i % paths.length]}'] button.toggle`;
    const t = Date.now();
    await page.click(toggle);
    await page.waitForSelector('table.tree tbody tr[data-depth="1"]');
    times.push(Date.now() - t);
    await page.click(toggle);  // close it again
    await page.waitForFunction(() => !document.querySelector('table.tree tbody tr[data-depth="1"]'));
  }
  console.log(`| expand an epic (its tasks fetched and drawn) | ${stats(times)} |`);
  // The default view's one report alone, without the browser, for comparison.
  const api = [];
  for (let i = 0; i < rounds; ++i) {
    const t = Date.now();
    await apiGet(c, '/v1/report?group_by=model&metric=cost_usd&top=25&granularity=day&format=json');
    api.push(Date.now() - t);
  }
  console.log(`| (the default view's GET /v1/report alone, from Node) | ${stats(api)} |`);
} finally {
  await browser.close();
  await c.stop();
}
