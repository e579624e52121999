// The dashboard in headless chromium against a collector started here with a
// generated store: a bad and a tracker token are refused, a viewer logs in,
// nests Epic → Task → Author, expands nodes (mouse and keyboard), and every
// number shown equals the JSON API's; then the metric changes, the CSV is
// downloaded and checked, and the other views render. A tracker then sends
// one session with three commits of a repository of its own (a zstd batch to
// POST /v1/batches), GitHub's webhook one merged pull request of two of them,
// and the Outcomes view and the explorer's outcome metrics must show the
// numbers the API gives and the ones worked out by hand below. The collector
// prices every record from its tokens with the builtin book (docs/PRICING.md);
// three requests of a model the book does not price must be listed as
// unpriced in every view, never shown as $0.00, and the cost basis toggle
// (organisation rates or list prices) must reach the API and the shared link.
// The spend chart is checked as drawn at a day, a week, a quarter and a year
// of data (its axis ticks from the chart's data-layout, its bars from the
// canvas's pixels), and a share label must keep clear of its bar.
// With a provider's usage and cost imported and two seats added (the CLI on
// the served store), Reconcile and Statement must show the API's numbers and
// the ones worked out by hand, unknown sides as "–", and download the API's CSV.
// No request leaves the collector's origin and the page logs no error (CSP
// violations included).
//   node dashboard.e2e.mjs --collector BIN --bench BIN [--screenshots DIR]
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { apiGet, launch, loadPlaywright, postBatch, postGithub, postJira, startCollector, steps } from './harness.mjs';

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
  githubSecret: 'e2e-github-secret-0123456789',
  jiraSecret: 'e2e-jira-secret-0123456789',
});

// One session of dev@acme.example (the tracker token's author) in a repository
// of its own, and three commits there:
//   record 1, 10:00  $1.50  edits src/app.cpp, one Skill call
//   record 2, 10:20  $2.50  one MCP call; its `git commit` reported c1's SHA
// (claude-opus-4-6 at $5 / $25 / $0.50 per million input / output / cache-read
// tokens: 1,000 input + 4,000 cache read = $0.007, plus 59,720 output tokens
// = $1.493 for record 1 and 99,720 = $2.493 for record 2)
//   c1 10:20:30 dev  +100 -20 src/app.cpp, AI co-author     (exact link)
//   c2 11:30    dev  +20  -10 src/app.cpp, reworks 5 of c1's lines
//                    (same author, a file the session edited, 70 min after
//                    its last edit: a strong link, not an exact one)
//   c3 12:00    pat  +50  -0  docs/notes.md on main, no AI, no link (pat has no spend)
// and, through POST /v1/webhooks/github, dev's push of c1 and c2 and their
// pull request #7: opened 11:00, reviewed 13:00, merged 15:00.
const DEMO = 'github.com/acme/outcomes-demo';
const SHA = { c1: 'a1'.repeat(20), c2: 'b2'.repeat(20), c3: 'c3'.repeat(20) };
const record = (n, time, output, tools) => ({
  uid: `${'d'.repeat(31)}${n}`, revision: 1, timestamp: `2026-11-20T${time}:00.000Z`,
  session_id: 'e2e-outcomes-session', model: 'claude-opus-4-6', input_tokens: 1000, output_tokens: output,
  cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, cache_read_tokens: 4000,
  repo: DEMO, branch: 'feature/DEMO-1-outcomes', task_keys: 'DEMO-1', tools,
});
// Three requests of a model the book has no price for, in a session and
// repository of their own: 1,500 tokens each.
const UNPRICED_MODEL = 'gateway-model-x';
const UNPRICED_LINE = `3 requests of model ${UNPRICED_MODEL} unpriced (4,500 tokens)`;
const unpricedRecord = (n, time) => ({
  uid: `${'d'.repeat(31)}${n}`, revision: 1, timestamp: `2026-11-20T${time}:00.000Z`,
  session_id: 'e2e-gateway-session', model: UNPRICED_MODEL, input_tokens: 1000, output_tokens: 500,
  cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, cache_read_tokens: 0,
  repo: 'github.com/acme/gateway-demo', branch: 'main', task_keys: '', tools: [], assistant: 'opencode',
});
const BRANCH = 'feature/DEMO-1-outcomes';
const commit = (sha, time, author, ai, files, reworked = [], branch = BRANCH) => ({
  sha, repo: DEMO, parents: [], author_email: author, committer_email: author,
  author_time: `2026-11-20T${time}Z`, committer_time: `2026-11-20T${time}Z`,
  branch, task_keys: 'DEMO-1', ai_coauthor: ai,
  files: files.map(([path, added, removed]) => ({ path, added, removed, binary: false })), reworked,
});
const seedOutcomes = async () => {
  const records = [
    record(1, '10:00', 59_720, [
      { id: 'toolu_e2e_1', name: 'Edit', path: 'src/app.cpp', action: 'change', result_seen: true, lines_added: 10 },
      { id: 'toolu_e2e_2', name: 'skill:review', path: '', action: '' }]),
    record(2, '10:20', 99_720, [
      { id: 'toolu_e2e_3', name: 'mcp:github/create_issue', path: '', action: '' },
      { id: 'toolu_e2e_4', name: 'Bash', path: '', action: '', git_commit: true, commit_sha: SHA.c1.slice(0, 7) }]),
    unpricedRecord(3, '09:00'), unpricedRecord(4, '09:15'), unpricedRecord(5, '09:30'),
  ];
  const commits = [
    commit(SHA.c1, '10:20:30', 'dev@acme.example', true, [['src/app.cpp', 100, 20]]),
    commit(SHA.c2, '11:30:00', 'dev@acme.example', false, [['src/app.cpp', 20, 10]],
      [{ original_sha: SHA.c1, path: 'src/app.cpp', lines: 5 }]),
  ];
  // Line provenance of c1's file (docs/PROVENANCE.md): 100 lines scored, 60
  // the AI's; alive at 21 days 90 (55 the AI's), at 90 days 80 (50); c2
  // reworked 5 of its lines, 4 of them the AI's.
  Object.assign(commits[0].files[0], { lines_added: 100, ai_lines_added: 60, lines_alive_21d: 90,
    ai_lines_alive_21d: 55, lines_alive_90d: 80, ai_lines_alive_90d: 50,
    ai_blocks: 4, ai_blocks_repeated: 1, other_blocks: 2, other_blocks_repeated: 1 });
  commits[1].reworked[0].ai_lines = 4;
  const answer = await postBatch(c, {
    format_version: 1, tracker_version: '0.1.0', device_id: 'e2e0'.repeat(8), author: 'dev@acme.example',
    batch_id: 'e2e-outcomes-batch', record_count: records.length, created: '2026-11-20T13:00:00.000Z', records,
    commit_count: commits.length, commits });
  assert.equal(answer.commits_rejected || 0, 0, JSON.stringify(answer));
  // Pat's commit comes from Pat's tracker: a tracker sends only its own author's commits.
  const patCommits = [commit(SHA.c3, '12:00:00', 'pat@acme.example', false, [['docs/notes.md', 50, 0]], [], 'main')];
  const patAnswer = await postBatch(c, {
    format_version: 1, tracker_version: '0.1.0', device_id: 'e2e1'.repeat(8), author: 'pat@acme.example',
    batch_id: 'e2e-outcomes-pat', record_count: 0, created: '2026-11-20T13:00:00.000Z', records: [],
    commit_count: patCommits.length, commits: patCommits }, c.patTracker);
  assert.equal(patAnswer.commits_new, 1, JSON.stringify(patAnswer));
  const repository = { id: 7001, name: 'outcomes-demo', full_name: 'acme/outcomes-demo', private: true };
  const dev = { login: 'dev', id: 1 };
  await postGithub(c, 'push', 'e2e-push-1', {
    ref: `refs/heads/${BRANCH}`, repository, pusher: { name: 'dev', email: 'dev@acme.example' }, sender: dev,
    commits: [[SHA.c1, '10:20:30'], [SHA.c2, '11:30:00']].map(([id, time]) => ({
      id, timestamp: `2026-11-20T${time}Z`, distinct: true,
      author: { name: 'Dev', email: 'dev@acme.example', username: 'dev' },
      committer: { name: 'Dev', email: 'dev@acme.example', username: 'dev' } })),
    head_commit: { id: SHA.c2 } });
  const pr = (action, updated, merged) => ({
    action, number: 7, repository, sender: dev,
    pull_request: { number: 7, state: merged ? 'closed' : 'open', title: 'DEMO-1 outcomes', user: dev,
      created_at: '2026-11-20T11:00:00Z', updated_at: `2026-11-20T${updated}Z`,
      closed_at: merged ? `2026-11-20T${updated}Z` : null, merged_at: merged ? `2026-11-20T${updated}Z` : null,
      merge_commit_sha: merged ? 'e4'.repeat(20) : null, draft: false, merged,
      head: { ref: BRANCH, sha: SHA.c2 }, base: { ref: 'main', sha: 'f5'.repeat(20) } } });
  await postGithub(c, 'pull_request', 'e2e-pr-opened', pr('opened', '11:00:00', false));
  await postGithub(c, 'pull_request_review', 'e2e-pr-review', {
    action: 'submitted', repository, sender: { login: 'pat', id: 2 },
    review: { id: 1, user: { login: 'pat', id: 2 }, state: 'approved', submitted_at: '2026-11-20T13:00:00Z' },
    pull_request: { number: 7, user: dev, created_at: '2026-11-20T11:00:00Z', head: { ref: BRANCH }, base: { ref: 'main' } } });
  await postGithub(c, 'pull_request', 'e2e-pr-merged', pr('closed', '15:00:00', true));
  // The report cube folds the batch in shortly after the store commits it.
  for (let i = 0; i < 100; ++i) {
    const r = await apiGet(c, `/v1/report?group_by=repo&where=repo=${DEMO}&outcomes=true&format=json`);
    const gateway = await apiGet(c, `/v1/report?group_by=model&where=model=${UNPRICED_MODEL}&format=json`);
    if (r.totals.records === 2 && r.totals.commits === 3 && r.totals.merged_prs === 1 &&
      r.totals.cost_usd === 4 && gateway.totals.records === 3) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('the seeded batch never showed in /v1/report');
};
await seedOutcomes();
const browser = await launch(pw);
const progress = steps();
const step = progress.run;

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
    assert.equal((await page.textContent('#scope-banner')).trim(), 'viewer · whole organisation');
    const [cookie] = (await context.cookies()).filter((k) => k.name === '__Host-codepulse_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the cookie');
    await shot('explorer-default');
  });

  // A cell's value as the API gives it: '' (no value, e.g. an unpriced cost) is null.
  const rowsAt = (depth) => page.$$eval(`table.tree tbody tr[data-depth="${depth}"]`, (trs) => trs.map((tr) => {
    const num = (td) => (td && td.dataset.value !== '' ? Number(td.dataset.value) : null);
    return {
      path: JSON.parse(tr.dataset.path),
      value: num(tr.querySelector('td.metric')),
      cost: num(tr.querySelector('td.col-cost_usd')),
      text: tr.querySelector('td.metric').textContent,
      share: tr.querySelector('td.share').textContent,
    };
  }));
  const sameAsApi = (shown, apiRows, metric) => {
    assert.deepEqual(shown.map((r) => r.path[r.path.length - 1]), apiRows.map((r) => r.key));
    assert.deepEqual(shown.map((r) => r.value), apiRows.map((r) => r[metric]));
  };
  let tree;

  await step('usage without a price is listed and its cost reads "unpriced", never $0.00', async () => {
    const api = await apiGet(c, '/v1/report?group_by=model,repo,author&metric=cost_usd&top=25&format=json');
    assert.equal(api.cost_basis, 'org');
    assert.deepEqual(api.unpriced, [{ model: UNPRICED_MODEL, requests: 3, tokens: 4500 }]);
    assert.equal(api.totals.cost_complete, false);
    assert.equal(api.totals.unpriced_records, 3);
    assert.equal(typeof api.totals.cost_nanos, 'number');
    const gateway = api.rows.find((r) => r.key === UNPRICED_MODEL);
    assert.ok(gateway, 'the unpriced model is a row');
    for (const f of ['cost_usd', 'list_cost_usd', 'cost_nanos', 'list_cost_nanos', 'cost_per_session'])
      assert.equal(gateway[f], null, `${f} of an unpriced model is null`);
    assert.equal(gateway.unpriced_records, 3);
    assert.equal(api.rows[api.rows.length - 1].key, UNPRICED_MODEL, 'a cost without a value sorts last');
    for (const r of api.rows.filter((x) => x.key !== UNPRICED_MODEL)) {
      assert.equal(r.unpriced_records, 0);
      assert.ok(Number.isInteger(r.cost_nanos) && Math.abs(r.cost_nanos / 1e9 - r.cost_usd) < 5.1e-7,
        `${r.key}: ${r.cost_nanos} nano-dollars are ${r.cost_usd} dollars to the micro-dollar`);
    }
    // The exact integers add up to the total; the rounded dollars need not.
    assert.equal(api.rows.reduce((s, r) => s + (r.cost_nanos || 0), 0), api.totals.cost_nanos);
    assert.ok((await page.textContent('#unpriced')).includes(UNPRICED_LINE), UNPRICED_LINE);
    const shown = await rowsAt(0);
    sameAsApi(shown, api.rows, 'cost_usd');
    const row = shown.find((r) => r.path[0] === UNPRICED_MODEL);
    assert.equal(row.text, 'unpriced');
    assert.equal(row.value, null);
    assert.equal(row.share.trim(), '–', 'no share of the cost, not 0.0%');
    assert.doesNotMatch(await page.textContent('table.tree tbody'), /\$0\.00/);
    assert.match(await page.textContent('#totals'), /priced usage only/);
  });

  await step('the cost basis toggle asks for list prices or the effective cost and is kept in the shared link', async () => {
    const asked = [];
    const count = (r) => { if (r.url().includes('/v1/report')) asked.push(r.url()); };
    page.on('request', count);
    await page.selectOption('#cost', 'list');
    await page.waitForFunction(() => /List cost/.test(document.querySelector('table.tree thead').textContent));
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    page.off('request', count);
    assert.match(page.url(), /cost=list/);
    assert.ok(asked.length > 0 && asked.every((u) => new URL(u).searchParams.get('cost') === 'list'), asked.join('\n'));
    const api = await apiGet(c, '/v1/report?group_by=model,repo,author&metric=cost_usd&top=25&cost=list&format=json');
    assert.equal(api.cost_basis, 'list');
    sameAsApi(await rowsAt(0), api.rows, 'list_cost_usd');
    const other = await context.newPage();
    await other.goto(page.url());
    await other.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.equal(await other.inputValue('#cost'), 'list');
    await other.close();
    // The effective cost: the seats spread over their holders' usage, the
    // report's effective_cost_usd, and asked for as cost=effective.
    await page.selectOption('#cost', 'effective');
    await page.waitForFunction(() => /Effective cost/.test(document.querySelector('table.tree thead').textContent));
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.match(page.url(), /cost=effective/);
    const effective = await apiGet(c, '/v1/report?group_by=model,repo,author&metric=cost_usd&top=25&cost=effective&format=json');
    assert.equal(effective.cost_basis, 'effective');
    sameAsApi(await rowsAt(0), effective.rows, 'effective_cost_usd');
    await page.selectOption('#cost', 'org');
    await page.waitForFunction(() => !/List cost|Effective cost/.test(document.querySelector('table.tree thead').textContent));
    assert.match(page.url(), /cost=org/);
  });

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
    // (a key may hold a space, which the query string spells "+")
    assert.ok(new URL(asked[0]).searchParams.getAll('where').includes(`epic=${epic.key}`), asked[0]);
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
    assert.ok((await page.textContent('#unpriced')).includes(UNPRICED_LINE), UNPRICED_LINE);
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

  await step('spend splits by assistant, as the API counts', async () => {
    await page.selectOption('#metric', 'total_tokens');
    await page.selectOption('#spend-by', 'assistant');
    await page.waitForFunction(() => (document.querySelector('#spend-chart .u-legend') || {}).textContent?.includes('opencode'));
    const legend = await page.textContent('#spend-chart .u-legend');
    const api = await apiGet(c, '/v1/report?group_by=assistant&metric=total_tokens&format=json');
    assert.deepEqual(api.rows.map((r) => r.key).sort(), ['claude-code', 'opencode']);
    for (const r of api.rows) assert.ok(legend.includes(r.key), `legend names ${r.key}`);
    assert.equal(api.rows.find((r) => r.key === 'opencode').total_tokens, 4500);
    await page.selectOption('#spend-by', 'model');
    await page.selectOption('#metric', 'cost_usd');
  });

  // The spend chart as drawn (docs/DASHBOARD.md, "Chart axes"): the chart
  // writes its plot area and every tick label (text, position, box) to
  // data-layout; the bars are read back from the canvas's pixels.
  const DAY = 86400e3;
  const spendAt = async (since, until, gran, by = 'model') => {
    await page.goto(`${c.url}/?view=spend&metric=cost_usd&by=${by}&gran=${gran}&since=${since}&until=${until}`);
    await page.waitForFunction(() => document.querySelector('#spend-chart')?.dataset.layout);
    return page.$eval('#spend-chart', (el) => JSON.parse(el.dataset.layout));
  };
  // Pixels in a series colour: how many, how many outside the plot area or
  // within 2 px of a tick label, and the x extent of each run of bar columns.
  const barPixels = (layout) => page.$eval('#spend-chart canvas', (canvas, L) => {
    const rgb = L.colors.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join());
    const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const boxes = [...L.x, ...L.y].map((t) => t.box);
    const out = { count: 0, outside: 0, onLabels: 0, columns: [] };
    const columns = new Set();
    for (let py = 0; py < height; ++py)
      for (let px = 0; px < width; ++px) {
        const o = (py * width + px) * 4;
        if (!rgb.includes(`${data[o]},${data[o + 1]},${data[o + 2]}`)) continue;
        const x = px / L.ratio, y = py / L.ratio;
        out.count += 1;
        columns.add(px);
        const p = L.plot;
        if (x < p.left || x > p.left + p.width || y < p.top || y > p.top + p.height) out.outside += 1;
        if (boxes.some((b) => x >= b.left - 2 && x <= b.right + 2 && y >= b.top - 2 && y <= b.bottom + 2)) out.onLabels += 1;
      }
    let run = null;
    for (const px of [...columns].sort((a, b) => a - b)) {
      if (run && px === run.right + 1) run.right = px;
      else out.columns.push(run = { left: px, right: px });
    }
    out.columns = out.columns.map((r) => ({ left: r.left / L.ratio, right: (r.right + 1) / L.ratio }));
    return out;
  }, layout);
  // The range a chart must span: the periods holding since and until, whole.
  const monday = (ms) => ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY;
  const spanOf = (since, until, gran) => {
    const a = Date.parse(`${since}T00:00:00Z`), b = Date.parse(`${until}T00:00:00Z`);
    if (gran === 'week') return [monday(a), monday(b) + 7 * DAY];
    if (gran === 'month') {
      const s = new Date(a), u = new Date(b);
      return [Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1), Date.UTC(u.getUTCFullYear(), u.getUTCMonth() + 1, 1)];
    }
    return [a, b + DAY];
  };
  const checkChart = async (name, since, until, gran, firstTick, { by = 'model', ticks } = {}) => {
    const L = await spendAt(since, until, gran, by);
    const [min, max] = spanOf(since, until, gran);
    assert.deepEqual([L.range.min, L.range.max], [min, max], `${name}: the x axis spans exactly ${since} to ${until}`);
    const texts = L.x.map((t) => t.text);
    assert.equal(texts[0], firstTick, `${name}: the first period is labelled`);
    if (ticks) assert.deepEqual(texts, ticks, name);
    assert.equal(new Set(texts).size, texts.length, `${name}: distinct x labels ${texts}`);
    for (const t of L.x) {
      assert.ok(t.at > min && t.at < max, `${name}: tick ${t.text} inside the range`);
      assert.ok(t.pos > L.plot.left && t.pos < L.plot.left + L.plot.width, `${name}: tick ${t.text} inside the plot`);
    }
    for (let i = 1; i < L.x.length; ++i)
      assert.ok(L.x[i].box.left - L.x[i - 1].box.right >= 8, `${name}: x labels ${L.x[i - 1].text} and ${L.x[i].text} apart`);
    // Value ticks: distinct texts on one rounded step (1, 2, 2.5 or 5 × 10^k) from $0.
    const ys = L.y.map((t) => t.text);
    assert.equal(new Set(ys).size, ys.length, `${name}: distinct y labels ${ys}`);
    assert.ok(ys.length >= 2 && /^\$0(\.0+)?$/.test(ys[0]), `${name}: y labels from $0: ${ys}`);
    const step = L.y[1].at - L.y[0].at;
    const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    assert.ok([1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-6), `${name}: a rounded step ${step}`);
    L.y.forEach((t, i) => assert.ok(Math.abs(t.at - i * step) < step * 1e-6, `${name}: y tick ${t.text} on the step`));
    for (let i = 1; i < L.y.length; ++i) assert.ok(L.y[i - 1].box.top - L.y[i].box.bottom >= 2, `${name}: y labels apart`);
    // Bars: drawn, all inside the plot area, none touching a label.
    const px = await barPixels(L);
    assert.ok(px.count > 0, `${name}: bars drawn`);
    assert.equal(px.outside, 0, `${name}: bar pixels outside the plot area`);
    assert.equal(px.onLabels, 0, `${name}: bar pixels on or touching a tick label`);
    // One bar per period with a priced cost, as the API counts them.
    const periods = await apiGet(c, `/v1/report?group_by=date&granularity=${gran}&since=${since}&until=${until}&format=json`);
    const bars = periods.rows.filter((r) => r.cost_usd > 0).length;
    assert.ok(bars > 0, `${name}: usage in the range`);
    assert.equal(px.columns.length, bars, `${name}: ${bars} bars`);
    // The legend names "(others)" only when the collector left series out.
    const top = await apiGet(c, `/v1/report?group_by=${by}&top=8&since=${since}&until=${until}&format=json`);
    const legend = await page.$$eval('#spend-chart .u-legend .u-series .u-label', (ls) => ls.map((l) => l.textContent));
    assert.equal(legend.includes('(others)'), top.rows.some((r) => r.others), `${name}: legend ${legend}`);
    assert.equal(legend.length - 1, top.rows.length, `${name}: one legend entry per series: ${legend}`);
    await shot(`spend-${name}`);
    return { L, px };
  };

  await step('the spend chart at a day, a week, a quarter and a year: axes span the range, ticks are distinct and round, bars clear of labels', async () => {
    const back = page.url();  // the view the later steps go on from
    await checkChart('day', '2026-06-15', '2026-06-15', 'day', 'Jun 15', { ticks: ['Jun 15'] });
    await checkChart('week', '2026-06-08', '2026-06-14', 'day', 'Jun 8', {
      ticks: ['Jun 8', 'Jun 9', 'Jun 10', 'Jun 11', 'Jun 12', 'Jun 13', 'Jun 14'] });
    await checkChart('quarter', '2026-04-01', '2026-06-30', 'week', 'Mar 30');
    await checkChart('year', '2025-11-01', '2026-10-31', 'month', 'Nov 2025');
    // The pilot's week: one day with usage (the seeded 2026-11-20) of seven;
    // one bar, under its own day's tick, the axis still the whole week.
    const { L, px } = await checkChart('week-one-day', '2026-11-16', '2026-11-22', 'day', 'Nov 16', {
      ticks: ['Nov 16', 'Nov 17', 'Nov 18', 'Nov 19', 'Nov 20', 'Nov 21', 'Nov 22'] });
    const bar = px.columns[0], tick = L.x.find((t) => t.text === 'Nov 20');
    assert.ok(Math.abs((bar.left + bar.right) / 2 - tick.pos) <= 1.5, `the bar (${bar.left}-${bar.right}) sits on Nov 20 (${tick.pos})`);
    // Fifty repositories: the eight largest and "(others)".
    await checkChart('quarter-by-repo', '2026-04-01', '2026-06-30', 'week', 'Mar 30', { by: 'repo' });
    await page.goto(back);
    await page.waitForFunction(() => document.querySelector('#spend-chart')?.dataset.layout);
  });

  await step('a share label keeps clear of its bar, "100.0%" included', async () => {
    const back = page.url();
    await page.goto(`${c.url}/?view=explorer&nest=repo,author&where=${encodeURIComponent(`repo=${DEMO}`)}`);
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    const gaps = await page.$$eval('table.tree tbody td.share', (tds) => tds.map((td) => {
      const bar = td.querySelector('meter').getBoundingClientRect(), pct = td.querySelector('.pct').getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(td.querySelector('.pct'));
      const text = range.getBoundingClientRect();
      return { text: td.querySelector('.pct').textContent, gap: Math.min(pct.left, text.left) - bar.right };
    }));
    assert.deepEqual(gaps.map((g) => g.text), ['100.0%']);
    for (const g of gaps) assert.ok(g.gap >= 6, `"${g.text}" is ${g.gap} px from its bar`);
    await page.goto(back);
    await page.waitForFunction(() => document.querySelector('#spend-chart')?.dataset.layout);
  });

  // The hand count of the seeded repository (see seedOutcomes), by author.
  const W = { lines_added: 1, lines_removed: 0.875, refactoring: 0.75, skills: 1, mcp: 0.875 };
  const leverageOf = (added, removed, refactoring, skills, mcp, usd) =>
    (added * W.lines_added + removed * W.lines_removed + refactoring * W.refactoring +
      skills * W.skills + mcp * W.mcp) / usd;
  // Pull request #7: from its first commit (c1, 10:20:30) to the merge (15:00);
  // coding until it opened (11:00), pickup until the review (13:00), review until the merge.
  const h = (hh, mm, ss = 0) => hh + mm / 60 + ss / 3600;
  const PR = { merged_prs: 1, prs: 1, cost_per_merged_pr: 4, pr_cycle_time_hours: h(15, 0) - h(10, 20, 30),
    pr_cycle_time_hours_p75: h(15, 0) - h(10, 20, 30), coding_hours: h(11, 0) - h(10, 20, 30),
    pickup_hours: 2, review_hours: 2 };
  const NO_PR = { merged_prs: 0, prs: 0, cost_per_merged_pr: null, pr_cycle_time_hours: null,
    pr_cycle_time_hours_p75: null, coding_hours: null, pickup_hours: null, review_hours: null };
  const HAND = {
    total: { ...PR, cost_usd: 4, commits: 3, ai_commits: 2, cost_per_commit: 4 / 3,
      lines_added: 170, lines_removed: 30, refactoring_lines: 5, reworked_lines: 5, skill_calls: 1, mcp_calls: 1,
      rework_rate: 5 / 170, rework_rate_ai: 5 / 120, rework_rate_other: 0, reworked_cost_usd: 4 * 5 / 170, leverage: leverageOf(170, 30, 5, 1, 1, 4) },
    'dev@acme.example': { ...PR, cost_usd: 4, commits: 2, ai_commits: 2, cost_per_commit: 2,
      lines_added: 120, lines_removed: 30, refactoring_lines: 5, reworked_lines: 5, skill_calls: 1, mcp_calls: 1,
      rework_rate: 5 / 120, rework_rate_ai: 5 / 120, rework_rate_other: null, reworked_cost_usd: 4 * 5 / 120, leverage: leverageOf(120, 30, 5, 1, 1, 4) },
    'pat@acme.example': { ...NO_PR, cost_usd: 0, commits: 1, ai_commits: 0, cost_per_commit: 0,
      lines_added: 50, lines_removed: 0, refactoring_lines: 0, reworked_lines: 0, skill_calls: 0, mcp_calls: 0,
      rework_rate: 0, rework_rate_ai: null, rework_rate_other: 0, reworked_cost_usd: 0, leverage: null },
  };
  // The API rounds: dollars to micro-dollars, ratios to 4 decimals, leverage and hours to 2.
  const near = (shown, hand, what) => {
    if (hand === null) return assert.equal(shown, null, `${what}: none`);
    const within = /(leverage|hours(_p75)?)$/.test(what) ? 0.005 : /rework_rate/.test(what) ? 5e-5 : 1e-6;
    assert.ok(shown !== null && Math.abs(shown - hand) <= within, `${what}: ${shown}, by hand ${hand}`);
  };
  const demoWhere = `where=repo=${DEMO}`;
  // Every cell of an outcomes table: its data-value, text and tooltip, by row key ("total" for the footer).
  const cellsOf = (id) => page.$$eval(`#${id} tbody tr, #${id} tfoot tr`, (trs) => Object.fromEntries(trs.map((tr) => [
    tr.dataset.key === undefined ? 'total' : tr.dataset.key,
    Object.fromEntries([...tr.querySelectorAll('td[class*="col-"]')].map((td) => [
      td.className.match(/col-(\w+)/)[1], { value: td.dataset.value, text: td.textContent, title: td.title }])),
  ])));
  const usd2 = (v) => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const pct1 = (v) => `${(v * 100).toFixed(1)}%`;

  await step('outcomes of the seeded repository equal the API and the hand count; empty cells say why', async () => {
    await page.click('nav a[data-view="outcomes"]');
    await page.waitForSelector('#outcomes-table tbody tr');
    // The whole store: the unpriced requests are listed, and outcomes say they cover the priced part.
    assert.ok((await page.textContent('#unpriced')).includes(UNPRICED_LINE), UNPRICED_LINE);
    assert.match(await page.textContent('#partly-priced'), /computed from the priced usage only/);
    // By model: the unpriced model's money reads "unpriced", with the reason as its tooltip.
    await page.selectOption('#outcomes-by', 'model');
    await page.waitForSelector(`#outcomes-table tbody tr[data-key="${UNPRICED_MODEL}"]`);
    for (const [table, field] of [['outcomes-table', 'cost_usd'], ['usage-table', 'cost_per_session']]) {
      const shown = (await cellsOf(table))[UNPRICED_MODEL][field];
      assert.equal(shown.text, 'unpriced', `${table} ${field}`);
      assert.equal(shown.value, '');
      assert.match(shown.title, /no price for the model/);
    }
    assert.match((await cellsOf('usage-table')).total.cost_usd.text, /^\$[\d,]+\.\d\d\*$/, 'a partly priced total is marked');
    await page.selectOption('#outcomes-by', 'author');
    await page.waitForFunction(() => !document.querySelector('#outcomes-table tbody tr[data-key="gateway-model-x"]'));
    await page.selectOption('#filter-dim', 'repo');
    await page.fill('#filter-value', DEMO);
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#outcomes-table tbody tr').length === 2);
    assert.match(page.url(), /view=outcomes/);
    assert.equal(await page.$('#unpriced'), null, 'the seeded repository is wholly priced');
    const api = await apiGet(c, `/v1/report?group_by=author&${demoWhere}&top=25&outcomes=true&links=strong&format=json`);
    assert.equal(api.links, 'strong');
    assert.equal(api.leverage_weights, 'lines_added=1,lines_removed=0.875,refactoring=0.75,skills=1,mcp=0.875');
    assert.deepEqual(api.rows.map((r) => r.key).sort(), ['dev@acme.example', 'pat@acme.example']);
    const byKey = { total: api.totals, ...Object.fromEntries(api.rows.map((r) => [r.key, r])) };
    for (const [key, hand] of Object.entries(HAND))
      for (const [field, v] of Object.entries(hand)) near(byKey[key][field], v, `${key} ${field}`);

    const delivery = await cellsOf('outcomes-table');
    const leverage = await cellsOf('leverage-table');
    for (const [key, n] of Object.entries(byKey)) {
      const shown = { ...delivery[key], ...leverage[key] };
      for (const field of ['cost_usd', 'commits', 'ai_commits', 'merged_prs', 'cost_per_commit', 'cost_per_merged_pr',
        'pr_cycle_time_hours', 'pr_cycle_time_hours_p75', 'coding_hours', 'pickup_hours', 'review_hours',
        'rework_rate', 'rework_rate_ai', 'rework_rate_other', 'reworked_cost_usd', 'lines_added', 'lines_removed', 'refactoring_lines',
        'skill_calls', 'mcp_calls', 'leverage'])
        assert.equal(shown[field].value, n[field] === null ? '' : String(n[field]), `${key} ${field} as the API`);
      assert.equal(shown.commits.text, String(n.commits));
      assert.equal(shown.cost_per_commit.text, usd2(n.cost_per_commit));
      assert.equal(shown.rework_rate.text, pct1(n.rework_rate));
      assert.equal(shown.merged_prs.text, String(n.merged_prs));
      for (const field of ['cost_per_merged_pr', 'pr_cycle_time_hours', 'pr_cycle_time_hours_p75', 'coding_hours',
        'pickup_hours', 'review_hours']) {
        if (n.merged_prs) {
          assert.equal(shown[field].title, '', `${key} ${field}`);
          continue;
        }
        // pat merged no pull request: every PR column is "–" and says why.
        assert.equal(shown[field].text, '–', `${key} ${field}`);
        assert.match(shown[field].title, /no merged pull request/);
      }
    }
    for (const key of ['total', 'dev@acme.example']) {
      assert.equal(delivery[key].cost_per_merged_pr.text, '$4.00');
      assert.equal(delivery[key].pr_cycle_time_hours.text, '4.66 h');
      assert.equal(delivery[key].pr_cycle_time_hours_p75.text, '4.66 h');
      assert.equal(delivery[key].coding_hours.text, '0.66 h');
      assert.equal(delivery[key].pickup_hours.text, '2.00 h');
      assert.equal(delivery[key].review_hours.text, '2.00 h');
    }
    assert.equal(delivery.total.cost_per_commit.text, '$1.33');
    assert.equal(delivery.total.rework_rate.text, '2.9%');
    assert.equal(delivery.total.reworked_cost_usd.text, '$0.12');
    assert.equal(delivery['dev@acme.example'].reworked_cost_usd.text, '$0.17');
    assert.equal(delivery['dev@acme.example'].rework_rate_ai.text, '4.2%');
    assert.equal(delivery['dev@acme.example'].rework_rate_other.title, 'no commits without AI here');
    assert.equal(delivery['pat@acme.example'].rework_rate_ai.title, 'no AI commits here');
    assert.equal(leverage.total.leverage.text, '50.47');
    assert.equal(leverage['dev@acme.example'].leverage.text, '37.97');
    assert.equal(leverage['pat@acme.example'].leverage.text, '–');
    assert.equal(leverage['pat@acme.example'].leverage.title, 'no spend here');
    assert.equal(await page.textContent('#card-cost-per-commit .card-value'), '$1.33');
    assert.equal(await page.textContent('#card-leverage .card-value'), '50.47');
    assert.match(await page.textContent('#card-rework'), /5 of 170 added lines reworked; AI 4\.2%, other 0\.0%/);
    // Line provenance, by hand (seedOutcomes): 60 of 100 scored lines the AI's, none on the default branch;
    // alive at 21 days 55 of 60 AI lines and 35 of 40 others, at 90 days 50 and 30; $4 over 55 and 50
    // AI lines alive; rework line by line 4 of 60 AI lines, 1 of 40 others.
    assert.equal(await page.textContent('#card-ai-share .card-value'), '60.0%');
    assert.equal(await page.textContent('#card-ai-share .card-detail'), '60 of 100 scored lines; 0 accepted, – each');
    assert.equal(await page.textContent('#card-survival-21 .card-value'), '91.7%');
    assert.equal(await page.textContent('#card-survival-21 .card-detail'), '55 AI lines alive; other lines 87.5%');
    assert.equal(await page.textContent('#card-survival-90 .card-value'), '83.3%');
    assert.equal(await page.textContent('#card-survival-90 .card-detail'), '50 AI lines alive; other lines 75.0%');
    assert.equal(await page.textContent('#card-cost-per-alive-line .card-value'), '$0.07');
    assert.equal(await page.textContent('#card-cost-per-alive-line .card-detail'), 'at 90 days $0.08');
    assert.equal(await page.textContent('#card-line-rework .card-value'), '6.7%');
    assert.equal(await page.textContent('#card-line-rework .card-detail'), 'AI lines 6.7%, other lines 2.5%');
    assert.equal(await page.textContent('#card-duplication .card-value'), '25.0%');
    assert.equal(await page.textContent('#card-duplication .card-detail'), 'of 4 AI blocks; other blocks 50.0%');
    assert.match(await page.getAttribute('#card-duplication', 'title'), /6 or more consecutive added lines/);
    // Each provenance card says its rule in its tooltip.
    assert.match(await page.getAttribute('#card-survival-21', 'title'),
      /on the default branch as it stood 21 days after the commit/);
    assert.match(await page.getAttribute('#card-survival-90', 'title'), /as it stood 90 days after the commit/);
    assert.match(await page.getAttribute('#card-ai-share', 'title'), /a line the developer edited afterwards is the developer's/);
    assert.match(await page.getAttribute('#card-line-rework', 'title'), /within the rework window/);
    assert.match(await page.getAttribute('#card-cost-per-alive-line', 'title'), /still alive 21 \(and 90\) days/);
    const lines = await cellsOf('provenance-table');
    assert.equal(lines.total.ai_survival_21d.text, '91.7%');
    assert.equal(lines.total.line_rework_rate_other.text, '2.5%');
    assert.equal(lines['dev@acme.example'].cost_per_ai_line_alive_90d.text, '$0.08');
    assert.equal(lines['pat@acme.example'].ai_survival_21d.text, '–');
    assert.match(lines['pat@acme.example'].ai_survival_21d.title, /no scored lines measured 21 days after their commit/);
    assert.match(await page.textContent('#leverage-formula'),
      /lines added × 1 \+ lines removed × 0\.875 \+ refactoring lines × 0\.75 \+ Skill calls × 1 \+ MCP calls × 0\.875\) ÷ cost in dollars/);
    assert.equal(await page.textContent('#card-cost-per-pr .card-value'), '$4.00');
    // Counts of one read in the singular.
    assert.equal(await page.textContent('#card-cost-per-day .card-detail'), '1 day with usage');
    assert.equal(await page.textContent('#card-cost-per-session .card-detail'), '$4.00 over 1 session');
    assert.equal(await page.textContent('#card-cost-per-pr .card-detail'), '1 merged of 1 pull request');
    assert.match(await page.textContent('#card-cycle'), /4\.66 h.*p75 4\.66 h; coding 0\.66 h, pickup 2\.00 h, review 2\.00 h/s);
    assert.equal(await page.$('#no-prs'), null, 'no "no pull requests" note with a merged one');
    assert.match(await page.textContent('#links-help'), /strong: also the same author's commits/);
    await shot('outcomes');
  });

  await step('exact links only: c2 is no longer an AI commit, as the API says', async () => {
    await page.selectOption('#links', 'exact');
    await page.waitForFunction(() => document.querySelector('#outcomes-table tfoot td.col-ai_commits')?.textContent === '1');
    assert.match(page.url(), /links=exact/);
    const api = await apiGet(c, `/v1/report?group_by=author&${demoWhere}&top=25&outcomes=true&links=exact&format=json`);
    const dev = api.rows.find((r) => r.key === 'dev@acme.example');
    near(dev.rework_rate_ai, 5 / 100, 'exact dev rework_rate_ai');
    near(dev.rework_rate_other, 0 / 20, 'exact dev rework_rate_other');
    assert.equal(api.totals.commits, 3, 'links change which commits are AI, not how many there are');
    const delivery = await cellsOf('outcomes-table');
    assert.equal(delivery['dev@acme.example'].ai_commits.value, String(dev.ai_commits));
    assert.equal(delivery['dev@acme.example'].ai_commits.text, '1');
    assert.equal(delivery['dev@acme.example'].rework_rate_ai.text, '5.0%');
    assert.equal(delivery['dev@acme.example'].rework_rate_other.text, '0.0%');
    assert.match(await page.textContent('#links-help'), /exact: .*reported that commit's SHA/);
    await page.selectOption('#links', 'strong');
    await page.waitForFunction(() => document.querySelector('#outcomes-table tfoot td.col-ai_commits')?.textContent === '2');
  });

  await step('the explorer nests Repo → Commit and Pull request → Author by outcome metrics, asking for outcomes', async () => {
    const asked = [];
    const count = (r) => { if (r.url().includes('/v1/report')) asked.push(decodeURIComponent(r.url())); };
    page.on('request', count);
    await page.goto(`${c.url}/?view=explorer&nest=repo,commit&metric=commits&where=${encodeURIComponent(`repo=${DEMO}`)}`);
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.ok(asked.every((u) => u.includes('outcomes=true') && u.includes('links=strong')), asked.join('\n'));
    const api = await apiGet(c, `/v1/report?group_by=repo,commit&metric=commits&${demoWhere}&top=25&outcomes=true&format=json`);
    sameAsApi(await rowsAt(0), api.rows, 'commits');
    assert.equal((await rowsAt(0))[0].value, 3);
    await page.click(`table.tree tbody tr[data-depth="0"] button.toggle`);
    await page.waitForSelector('table.tree tbody tr[data-depth="1"]');
    const commits = await rowsAt(1);
    sameAsApi(commits, api.rows[0].children, 'commits');
    for (const sha of Object.values(SHA)) assert.ok(commits.some((r) => r.path[1] === sha.slice(0, 12)), `commit ${sha}`);
    assert.match(await page.textContent('table.tree thead'), /Commits.*Cost.*Merged PRs/s);
    await page.selectOption('#metric', 'cost_per_commit');
    await page.waitForFunction(() => /Cost per commit/.test(document.querySelector('table.tree thead').textContent));
    await page.waitForSelector('table.tree tbody tr[data-depth="1"]');
    const byCost = await apiGet(c, `/v1/report?group_by=repo,commit&metric=cost_per_commit&${demoWhere}&top=25&outcomes=true&format=json`);
    const top = await rowsAt(0);
    sameAsApi(top, byCost.rows, 'cost_per_commit');
    assert.equal(top[0].text, '$1.33');
    const shownCommits = await page.$$eval('table.tree tbody tr[data-depth="1"] td.metric',
      (tds) => tds.map((td) => ({ value: td.dataset.value, text: td.textContent, title: td.title })));
    assert.deepEqual(shownCommits.map((t) => t.value),
      byCost.rows[0].children.map((r) => (r.cost_per_commit === null ? '' : String(r.cost_per_commit))));
    for (const t of shownCommits.filter((x) => x.value === '')) {
      assert.equal(t.text, '–');
      assert.equal(t.title, 'no commits here');
    }
    await shot('explorer-repo-commit');

    // The pull request as a level, by its cycle time.
    await page.goto(`${c.url}/?view=explorer&nest=pr,author&metric=pr_cycle_time_hours&where=${encodeURIComponent(`repo=${DEMO}`)}`);
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    const byPr = await apiGet(c, `/v1/report?group_by=pr,author&metric=pr_cycle_time_hours&${demoWhere}&top=25&outcomes=true&format=json`);
    const prRows = await page.$$eval('table.tree tbody tr[data-depth="0"]', (trs) => trs.map((tr) => ({
      key: JSON.parse(tr.dataset.path)[0], value: tr.querySelector('td.metric').dataset.value,
      text: tr.querySelector('td.metric').textContent })));
    assert.deepEqual(prRows.map((r) => [r.key, r.value]),
      byPr.rows.map((r) => [r.key, r.pr_cycle_time_hours === null ? '' : String(r.pr_cycle_time_hours)]));
    const seven = prRows.find((r) => r.key === `${DEMO}#7`);
    assert.ok(seven, 'pull request #7 is a row');
    assert.equal(seven.text, '4.66 h');
    page.off('request', count);
    assert.ok(asked.every((u) => u.includes('outcomes=true')), asked.join('\n'));
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

  // The finance views (issue 24): Anthropic's usage and cost of 2026-11-20
  // imported from a CSV, and two seats, added with the CLI on the served
  // store. dev's two Opus records of the 20th (1,000 input + 4,000 cache
  // read each, 59,720 and 99,720 output: 169,440 tokens, $4.00) are billed
  // under dev's key with $10.00 of cost, and a CI key used 50,000 input
  // tokens more; dev holds a $200 Claude Max seat, pat an idle $19 Copilot one.
  const seedFinance = () => {
    const csv = `${c.dir}/anthropic-2026-11.csv`;
    writeFileSync(csv, 'date,model,workspace,api_key,uncached_input_tokens,cache_read_tokens,output_tokens,cost_usd\n' +
      '2026-11-20,claude-opus-4-6,wrkspc_laptops,apikey_dev,2000,8000,159440,10.00\n' +
      '2026-11-20,claude-opus-4-6,wrkspc_ci,apikey_ci,50000,0,0,\n');
    const cli = (...args) => execFileSync(collector, [...args, '--db', c.store], { encoding: 'utf8' });
    cli('import-usage', '--provider', 'anthropic', '--file', csv);
    cli('seats', 'add', '--plan', 'claude-max-20x', '--assistant', 'claude-code', '--assignee', 'dev@acme.example',
      '--price', '200', '--start', '2026-11-01');
    cli('seats', 'add', '--plan', 'copilot-business', '--assistant', 'copilot', '--assignee', 'pat@acme.example',
      '--price', '19', '--start', '2026-11-01');
  };
  // The text of every cell of a table's body rows.
  const cells = (selector) => page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  const usd = (v) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v);

  await step('Reconcile shows codepulse next to the provider per day and model, unknown sides as "–"', async () => {
    seedFinance();
    const api = await apiGet(c, '/v1/reconcile?month=2026-11');
    await page.goto(`${c.url}/?view=reconcile&month=2026-12`);
    await page.waitForSelector('#reconcile-table, .notice-empty');
    await page.fill('#month', '2026-11');
    await page.dispatchEvent('#month', 'change');
    await page.waitForFunction(() => /of 2026-11/.test(document.querySelector('main h2').textContent));
    await page.waitForSelector('#reconcile-table');
    assert.match(page.url(), /view=reconcile/);
    assert.match(page.url(), /month=2026-11/);
    const opus = api.rows.find((r) => r.date === '2026-11-20' && r.model === 'claude-opus-4-6');
    assert.ok(opus, JSON.stringify(api.rows));
    assert.equal(opus.provider, 'anthropic');
    assert.equal(opus.codepulse.tokens, 169_440);
    assert.equal(opus.codepulse.cost_nanos, 4_000_000_000);
    assert.equal(opus.provider_report.tokens, 219_440);
    assert.equal(opus.provider_report.cost_nanos, 10_000_000_000);
    assert.equal(opus.token_diff, 50_000);
    assert.equal(opus.cost_diff_nanos, 6_000_000_000);
    const rows = await cells('#reconcile-table');
    const shown = rows.find((r) => r[0] === '2026-11-20' && r[2] === 'claude-opus-4-6');
    assert.deepEqual(shown, ['2026-11-20', 'anthropic', 'claude-opus-4-6', '169,440', '219,440', '+50,000',
      '$4.00', '$10.00', '+$6.00',
      'never touched a laptop (CI, API apps), or records still on laptops\' queues (unknown)']);
    // Under it, the provider's tokens by workspace and key.
    const at = rows.indexOf(shown);
    assert.deepEqual(rows.slice(at + 1, at + 3).map((r) => [r[2], r[4]]),
      [['wrkspc_ci / apikey_ci', '50,000'], ['wrkspc_laptops / apikey_dev', '169,440']]);
    // The gateway model: no provider, no price; its unknown sides are "–", never 0.
    const gateway = rows.find((r) => r[2] === UNPRICED_MODEL);
    assert.deepEqual(gateway.slice(1, 9), ['(none)', UNPRICED_MODEL, '4,500', '–', '–', 'unpriced', '–', '–']);
    assert.match(gateway[9], /no provider import covers this model; codepulse has no price for this model \(3 records\)/);
    assert.equal(rows.filter((r) => r[0] !== '').length, api.rows.length, 'one row per day and model');
    assert.match(await page.textContent('#queued-note'), /queues: unknown/);
    assert.match(await page.textContent('#reconcile-totals'), /codepulse \$4\.00 of priced usage; the providers \$10\.00 over 1 day of imported cost/);
    await shot('reconcile');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#reconcile-csv')]);
    assert.equal(download.suggestedFilename(), 'codepulse-reconcile-2026-11.csv');
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.match(lines[0], /^row,date,provider,model,workspace,api_key,codepulse_input,/);
    assert.ok(lines.includes('key,2026-11-20,anthropic,claude-opus-4-6,wrkspc_ci,apikey_ci,,,,,,,,,50000,0,0,0,50000,,,,,'),
      lines.join('\n'));
  });

  await step('the Statement shows the month by author, repository and model, the providers and the idle seats', async () => {
    const api = await apiGet(c, '/v1/statement?month=2026-11');
    await page.click('nav a[data-view="statement"]');
    await page.waitForSelector('#statement-authors');
    assert.match(page.url(), /view=statement/);
    assert.match(page.url(), /month=2026-11/, 'the month is kept across views');
    assert.match(await page.textContent('main h2'), /Statement of 2026-11/);
    // Worked out by hand: dev's $4.00 of list cost carries the whole $200
    // seat; pat's $19 seat has no usage and stays idle, spread onto nobody.
    assert.equal(api.total.list_cost_nanos, 4_000_000_000);
    assert.equal(api.total.effective_cost_nanos, 200_000_000_000);
    assert.equal(api.seats.charges_nanos, 219_000_000_000);
    assert.equal(api.seats.idle_nanos, 19_000_000_000);
    assert.equal(await page.textContent('#card-list .card-value'), '$4.00');
    assert.equal(await page.textContent('#card-org .card-value'), usd(api.total.cost_usd));
    assert.equal(await page.textContent('#card-effective .card-value'), '$200.00');
    assert.match(await page.textContent('#card-seats'), /\$219\.00.*of which idle: \$19\.00/s);
    const lines = (list) => list.map((l) => [l.key, String(l.records), String(l.unpriced_records),
      l.list_cost_usd === null ? 'unpriced' : usd(l.list_cost_usd), l.cost_usd === null ? 'unpriced' : usd(l.cost_usd),
      l.effective_cost_usd === null ? 'unpriced' : usd(l.effective_cost_usd)]);
    assert.deepEqual(await cells('#statement-authors'), lines(api.by_author));
    assert.deepEqual(await cells('#statement-repos'), lines(api.by_repo));
    assert.deepEqual(await cells('#statement-models'), lines(api.by_model));
    assert.deepEqual((await cells('#statement-models')).find((r) => r[0] === 'claude-opus-4-6'),
      ['claude-opus-4-6', '2', '0', '$4.00', '$4.00', '$200.00']);
    assert.deepEqual((await cells('#statement-models')).find((r) => r[0] === UNPRICED_MODEL),
      [UNPRICED_MODEL, '3', '3', 'unpriced', 'unpriced', 'unpriced']);
    assert.deepEqual(await cells('#statement-providers'), [['anthropic', '$4.00', '$10.00', '+$6.00', '1']]);
    assert.deepEqual(await cells('#statement-idle'), [['2', 'copilot-business', 'copilot', 'pat@acme.example', '$19.00']]);
    assert.ok((await page.textContent('#unpriced')).includes(UNPRICED_LINE), UNPRICED_LINE);
    assert.match(await page.textContent('#queued-note'), /queues: unknown/);
    await shot('statement');
    if (shots) await page.screenshot({ path: `${shots}/statement-full.png`, fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#statement-csv')]);
    assert.equal(download.suggestedFilename(), 'codepulse-statement-2026-11.csv');
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'section,key,records,unpriced_records,list_cost_usd,cost_usd,effective_cost_usd,' +
      'list_cost_nanos,cost_nanos,effective_cost_nanos,provider_cost_usd,provider_cost_nanos,diff_usd,diff_nanos,note');
    assert.ok(csv.includes('provider,anthropic,,,,4.000000,,,4000000000,,10.000000,10000000000,6.000000,6000000000,' +
      '1 day(s) of the provider\'s cost imported'), csv.join('\n'));
    assert.ok(csv.includes('idle_seat,copilot-business of pat@acme.example (copilot),,,,,19.000000,,,19000000000,,,,,seat 2'),
      csv.join('\n'));
  });

  // Budgets (issue 26): an org budget and an enforced weekly one of dev's,
  // added with the CLI on the served store; the view shows what GET
  // /v1/budgets says once the collector has worked their state out.
  await step('the Budgets view shows each budget\'s spend, limit, percent, forecast and state as the API does', async () => {
    const cli = (...args) => execFileSync(collector, [...args, '--db', c.store], { encoding: 'utf8' });
    cli('budgets', 'add', '--scope', 'org', '--amount', '5000', '--start', '2026-01-01');
    cli('budgets', 'add', '--scope', 'person', '--value', 'dev@acme.example', '--amount', '0.01',
      '--period', 'week', '--enforce', '--start', '2026-01-01');
    let api = { budgets: [] };
    for (let i = 0; i < 100 && api.budgets.length !== 2; ++i) {
      await new Promise((res) => setTimeout(res, 100));
      api = await apiGet(c, '/v1/budgets');
    }
    assert.equal(api.budgets.length, 2, JSON.stringify(api));
    await page.goto(`${c.url}/?view=budgets`);
    await page.waitForSelector('#budgets-table tbody tr');
    assert.match(page.url(), /view=budgets/);
    const rows = await cells('#budgets-table');
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[9]]),
      api.budgets.map((b) => [b.id, b.scope === 'org' ? 'organisation' : `${b.scope} ${b.value}`, b.basis,
        usd(b.spent_usd), usd(b.limit_usd), `${b.percent.toFixed(2)} %`, usd(b.forecast_usd), b.override_until || '']));
    assert.equal(rows[1][5], '$0.01');
    const states = await page.$$eval('#budgets-table tbody tr', (trs) => trs.map((tr) => tr.dataset.state));
    assert.deepEqual(states, api.budgets.map((b) => b.state));
    await shot('budgets');
  });

  // Strings at the door and in the sinks (docs/SECURITY.md, "Output to people").
  await step('a control character is refused at the door; markup and formulas show as text, open, and are defused in both CSVs', async () => {
    const HOSTILE = '=HYPERLINK("https://evil.example","x"),<img src=x onerror=alert(1)> a&b=c+d%20 \u00e9';
    const hostile = (n, repo, branch) => ({
      uid: `${'e'.repeat(31)}${n}`, revision: 1, timestamp: '2026-11-20T16:00:00.000Z',
      session_id: 'e2e-hostile-session', model: 'claude-opus-4-6', input_tokens: 1000, output_tokens: 1000,
      cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, cache_read_tokens: 0, repo, branch, task_keys: '', tools: [] });
    const records = [hostile(1, HOSTILE, '-2+3'), hostile(2, 'github.com/acme/nul', 'main\u0000x')];
    const answer = await postBatch(c, {
      format_version: 1, tracker_version: '0.1.0', device_id: 'e2e1'.repeat(8), author: 'dev@acme.example',
      batch_id: 'e2e-hostile-batch', record_count: records.length, created: '2026-11-20T16:30:00.000Z', records });
    assert.equal(answer.records_new, 1, JSON.stringify(answer));
    assert.equal(answer.rejected, 1, JSON.stringify(answer));
    assert.equal(answer.rejections[0].index, 1);
    assert.match(answer.rejections[0].reason, /^field 'branch' holds the control character U\+0000 at byte 4/);
    const only = `/v1/report?group_by=repo&where=${encodeURIComponent(`repo=${HOSTILE}`)}&format=json`;
    for (let i = 0; i < 100 && (await apiGet(c, only)).totals.records !== 1; ++i)
      await new Promise((res) => setTimeout(res, 100));
    assert.equal((await apiGet(c, only)).rows[0].key, HOSTILE);

    // The explorer, filtered to it, nested Repo -> Branch: its key is text, and it opens.
    const at = (view) => {
      const q = new URLSearchParams({ view, nest: 'repo,branch', by: 'repo', metric: 'cost_usd' });
      q.append('where', `repo=${HOSTILE}`);
      return `${c.url}/?${q}`;
    };
    await page.goto(at('explorer'));
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.deepEqual((await rowsAt(0)).map((r) => r.path), [[HOSTILE]]);
    assert.equal(await page.$('table.tree img'), null, 'no element is made from a key');
    assert.ok((await page.textContent('table.tree tbody')).includes(HOSTILE));
    await page.click('table.tree tbody tr[data-depth="0"] button.toggle');
    await page.waitForSelector('table.tree tbody tr[data-depth="1"]');
    assert.deepEqual((await rowsAt(1)).map((r) => r.path), [[HOSTILE, '-2+3']]);
    const quoted = `"'${HOSTILE.replace(/"/g, '""')}"`;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3, csv.join('\n'));
    assert.ok(csv[1].startsWith(`${quoted},,`), csv[1]);
    assert.ok(csv[2].startsWith(`${quoted},'-2+3,`), csv[2]);

    // The spend view splits by repository with the same where, and defuses its header.
    await page.goto(at('spend'));
    await page.waitForSelector('#spend-chart canvas');
    const [spend] = await Promise.all([page.waitForEvent('download'), page.click('#spend-csv')]);
    const lines = readFileSync(await spend.path(), 'utf8').trim().split('\n');
    assert.equal(lines[0], `day,${quoted}`);
  });

  await step('Delivery shows the DORA metrics AI vs other with their definitions and the bug rates, as the API does', async () => {
    // GitHub's deployment_status event: the seeded branch's head deployed to
    // production at 15:30, successful at 16:00.
    const repository = { id: 7001, name: 'outcomes-demo', full_name: 'acme/outcomes-demo', private: true };
    const deployment = { url: 'https://api.github.com/repos/acme/outcomes-demo/deployments/42', id: 42, node_id: 'DE_42',
      sha: SHA.c2, ref: BRANCH, task: 'deploy', payload: {}, original_environment: 'production', environment: 'production',
      description: null, creator: { login: 'deploybot', id: 9 }, created_at: '2026-11-20T15:30:00Z',
      updated_at: '2026-11-20T15:30:00Z', transient_environment: false, production_environment: true };
    await postGithub(c, 'deployment_status', 'e2e-deploy-ok', { action: 'created', repository,
      sender: { login: 'deploybot', id: 9 }, deployment,
      deployment_status: { url: 'https://api.github.com/x', id: 420, state: 'success', creator: { login: 'deploybot' },
        description: '', environment: 'production', target_url: '', created_at: '2026-11-20T16:00:00Z',
        updated_at: '2026-11-20T16:00:00Z' } });
    const range = 'since=2026-11-20&until=2026-11-20';
    const api = await apiGet(c, `/v1/deployments/stats?${range}`);
    const bugs = await apiGet(c, `/v1/deployments/bugs?${range}`);
    await page.goto(`${c.url}/?view=delivery&${range}`);
    await page.waitForSelector('table.delivery-env[data-environment="production"]');
    assert.match(page.url(), /view=delivery/);
    const prod = api.environments.find((e) => e.environment === 'production');
    // By hand: one deployment in the one day of the range, none failed.
    assert.equal(prod.all.deployments, 1);
    assert.equal(prod.all.failed_deployments, 0);
    assert.equal(prod.all.change_failure_rate, 0);
    const hours = (v) => (v === null ? '–' : `${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} h`);
    const row = (s) => [String(s.deployments), s.deployments_per_day.toFixed(2), String(s.failed_deployments),
      s.change_failure_rate === null ? '–' : pct1(s.change_failure_rate), hours(s.lead_time_hours),
      hours(s.lead_time_hours_p90), hours(s.time_to_restore_hours),
      s.ai_cost_per_deployment_usd === null ? '–' : usd2(s.ai_cost_per_deployment_usd)];
    const shown = await cells('table.delivery-env[data-environment="production"]');
    assert.deepEqual(shown, ['all', 'ai', 'other', 'unknown'].map((k) => row(prod[k])));
    assert.deepEqual(shown[0].slice(0, 4), ['1', '1.00', '0', '0.0%']);
    assert.deepEqual(await page.$$eval('#delivery-definitions dt', (dts) => dts.map((d) => d.textContent)),
      ['Deployment frequency', 'Lead time for changes', 'Change failure rate', 'Time to restore', 'AI cost per deployment']);
    // No Jira bug yet: no rate (no AI-written line scored), never 0.
    assert.equal(bugs.bugs, 0);
    assert.equal(await page.textContent('#card-bugs .card-value'), '0');
    assert.equal(await page.textContent('#card-bugs-ai .card-value'),
      bugs.ai_bugs_per_1000_lines === null ? '–' : bugs.ai_bugs_per_1000_lines.toFixed(2));
    assert.match(await page.textContent('#bug-list'), /No bug introduced/);
    await shot('delivery');
  });

  await step('Task classes shows the classes and epics the API gives, and says when no task was resolved', async () => {
    const empty = await apiGet(c, '/v1/tasks/classes?since=2026-10-01&until=2026-10-31&by=type,points,component');
    assert.equal(empty.tasks, 0);
    await page.goto(`${c.url}/?view=tasks&since=2026-10-01&until=2026-10-31`);
    await page.waitForSelector('#epic-summary');
    assert.match(page.url(), /view=tasks/);
    assert.match(await page.textContent('main'), /No task resolved in this range/);
    assert.equal(await page.textContent('#task-outliers'), 'None.');
    // Jira resolves DEMO-1, a 2-point story: its commits c1, c2 and c3 (all
    // name it), c2 reworking 5 of c1's lines: 5 of 170 lines added; c2 went
    // to production at 16:00 (the delivery step; its tracker names no parent,
    // so it ships alone): lead 4 h 30 min.
    await postJira(c, { timestamp: Date.parse('2026-11-21T09:00:00Z'), webhookEvent: 'jira:issue_updated',
      issue: { key: 'DEMO-1', fields: { issuetype: { name: 'Story' }, status: { name: 'Done' },
        components: [{ id: '1', name: 'dashboard' }], customfield_10016: 2,
        created: '2026-11-19T09:00:00.000+0000', resolutiondate: '2026-11-21T09:00:00.000+0000' } } });
    const range = 'since=2026-11-01&until=2026-11-30';
    const api = await apiGet(c, `/v1/tasks/classes?${range}&by=type,points,component`);
    assert.equal(api.tasks, 1);
    const story = api.classes[0];
    assert.deepEqual(story.class, { type: 'Story', points: '2 points', component: 'dashboard' });
    assert.equal(story.commits, 3);
    assert.equal(story.lines_added, 170);
    assert.equal(story.reworked_lines, 5);
    assert.equal(story.shipped_commits, 1);
    assert.equal(story.lead_time_hours, 4.5);
    await page.goto(`${c.url}/?view=tasks&${range}`);
    await page.waitForSelector('#task-classes tbody tr');
    const shown = await cells('#task-classes');
    assert.deepEqual(shown, [['Story', '2 points', 'dashboard', '1', usd2(story.median_usd), usd2(story.p75_usd),
      usd2(story.p90_usd), usd2(story.cost_usd), '3', String(story.merged_prs), '0', '48.00 h', '2.9%', '4.50 h']]);
    await page.selectOption('#tasks-by', 'type');
    await page.waitForFunction(() => /tby=type(&|$)/.test(location.search));
    await page.waitForSelector('#epic-summary');
    await shot('tasks');
  });

  await step('Hotspots ranks the files as the API does; an unknown team is refused with the reason', async () => {
    const range = 'since=2026-11-01&until=2026-11-30';
    const api = await apiGet(c, `/v1/hotspots?limit=50&${range}`);
    await page.goto(`${c.url}/?view=hotspots&${range}`);
    await page.waitForSelector('#hotspots-scoring');
    assert.match(page.url(), /view=hotspots/);
    assert.ok(api.files.length > 0, 'the seeded repository changed files in November');
    const rows = await page.$$eval('#hotspots-table tbody tr', (trs) => trs.map((tr) =>
      [tr.dataset.path, ...[...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)]));
    assert.deepEqual(rows, api.files.map((f) => [f.path, String(f.score), String(f.changes), String(f.authors),
      String(f.heavy_rewrites)]));
    assert.equal(await page.textContent('#hotspots-scoring'), api.scoring);
    await page.fill('#hotspots-team', 'no-such-team');
    await page.click('form.hotspots-team button[type="submit"]');
    await page.waitForFunction(() => /hteam=no-such-team/.test(location.search));
    await page.waitForSelector('.notice');
    assert.match(await page.textContent('main'), /no such team: 'no-such-team'/);
    assert.deepEqual(problems.splice(0).filter((p) => !/status of 400/.test(p)), []);
    await page.fill('#hotspots-team', '');
    await page.click('form.hotspots-team button[type="submit"]');
    await page.waitForSelector('#hotspots-table');
    await shot('hotspots');
  });

  await step('logging out ends the session', async () => {
    await page.click('#logout');
    await page.waitForSelector('#token');
    await page.goto(`${c.url}/?view=explorer`);
    await page.waitForSelector('#token');
  });

  await step('a team-scoped viewer sees its role and scope, only the views it may, and no row outside its team', async () => {
    // The directory: the two authors of least spend form the team payments,
    // every other author the team search (both under the organisation acme).
    const all = await apiGet(c, '/v1/report?group_by=author&top=1000&metric=cost_usd&format=json');
    const authors = all.rows.map((r) => r.key).filter((k) => /^[^,;"\s]+@[^,;"\s]+$/.test(k));
    assert.ok(authors.length >= 3, `authors: ${authors}`);
    const payments = authors.slice(-2);
    const csvPath = join(c.dir, 'people.csv');
    writeFileSync(csvPath, ['email,team,org', ...authors.map((a) =>
      `${a},${payments.includes(a) ? 'payments' : 'search'},acme`)].join('\n') + '\n');
    execFileSync(collector, ['people', 'import', csvPath, '--db', c.store]);
    const scoped = execFileSync(collector, ['token', 'create', '--db', c.store, '--author',
      'lead-payments@acme.example', '--role', 'viewer', '--scope', 'team:payments'], { encoding: 'utf8' })
      .trim().split('\n').pop().trim();
    // The API within the scope: the team's authors only.
    const inScope = await apiGet(c, '/v1/report?group_by=author&top=1000&format=json', scoped);
    const keys = inScope.rows.map((r) => r.key).sort();
    assert.deepEqual(keys, [...payments].sort());

    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true,
      viewport: { width: 1280, height: 860 } });
    const p = await ctx.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    p.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) errors.push(m.text()); });
    // A link to an organisation-wide view falls back to the explorer.
    const q = new URLSearchParams({ view: 'statement', nest: 'author', metric: 'cost_usd', top: '1000' });
    await p.goto(`${c.url}/?${q}`);
    await p.fill('#token', scoped);
    await p.click('#login');
    await p.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.equal((await p.textContent('#scope-banner')).trim(), 'viewer · team payments');
    assert.equal(await p.getAttribute('#scope-banner', 'data-scope'), 'team:payments');
    const offered = await p.$$eval('header.top nav a', (as) => as.map((a) => a.dataset.view));
    assert.deepEqual(offered, ['explorer', 'spend', 'outcomes', 'budgets']);  // no Hotspots either
    const shown = await p.$$eval('table.tree tbody tr[data-depth="0"]', (trs) => trs.map((tr) => JSON.parse(tr.dataset.path)[0]));
    assert.deepEqual([...shown].sort(), [...payments].sort());
    for (const outside of authors.filter((a) => !payments.includes(a)))
      assert.ok(!(await p.textContent('main')).includes(outside), `${outside} is outside the scope`);
    // The explorer's CSV holds the same rows, and the spend view's split by author too.
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#csv')]);
    const csvRows = readFileSync(await download.path(), 'utf8').trim().split('\n').slice(1);
    assert.deepEqual(csvRows.map((l) => l.split(',')[0]).sort(), [...payments].sort());
    await p.goto(`${c.url}/?${new URLSearchParams({ view: 'spend', by: 'author' })}`);
    await p.waitForSelector('#spend-chart canvas');
    const [spend] = await Promise.all([p.waitForEvent('download'), p.click('#spend-csv')]);
    const header = readFileSync(await spend.path(), 'utf8').split('\n')[0].split(',').slice(1);
    for (const a of header) assert.ok(payments.includes(a) || a === '(others)', `spend column ${a}`);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  assert.deepEqual(expectedRefusals(), [], 'no page errors, CSP violations or foreign requests');
  console.log(`${progress.passed} passed, 0 failed`);
} catch (e) {
  console.error(e);
  console.error(`collector log:\n${c.log()}`);
  console.log(`${progress.passed} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await c.stop();
}
