// Shared by the browser test and the dashboard benchmark: a codepulse
// collector started for the run (its own certificate, tokens and store), a
// client for its JSON API, and headless Debian chromium through
// playwright-core.
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CODEPULSE_CHROMIUM || '/usr/bin/chromium';
// CTest's SKIP_RETURN_CODE; under CI (CI=true) nothing may be missing, so a skip fails.
export const SKIP = process.env.CI === 'true' ? 1 : 77;

// Exits with SKIP (and says why) when the browser or playwright-core is missing.
export async function loadPlaywright() {
  if (!existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} not found; install it with packaging/install-deps.sh (apt-get install chromium)`);
    process.exit(SKIP);
  }
  try {
    return await import('playwright-core');
  } catch {
    console.log('SKIP: playwright-core is not installed; run packaging/install-dashboard-deps.sh (npm ci in collector/dashboard)');
    process.exit(SKIP);
  }
}

export function launch(pw) {
  return pw.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// Named test steps: run(name, fn) awaits fn and prints "ok N - name";
// `passed` counts them.
export function steps() {
  const s = { passed: 0 };
  s.run = async (name, fn) => {
    await fn();
    s.passed += 1;
    console.log(`ok ${s.passed} - ${name}`);
  };
  return s;
}

function run(bin, args) {
  return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// A collector on 127.0.0.1:<free port> serving `db` (made by `makeDb(path)`
// when given), with a viewer and a tracker token (dev@acme.example's), and a
// tracker token of pat@acme.example (a tracker sends only its own author's
// commits: docs/SECURITY.md); with `githubSecret`, its
// POST /v1/webhooks/github takes deliveries signed with it (postGithub).
// `args` are more `serve` flags (the single sign-on test's oidc_* settings).
export async function startCollector({ collector, db, makeDb, dir, githubSecret, jiraSecret, listen = '127.0.0.1:0', args = [] }) {
  dir = dir || mkdtempSync(join(tmpdir(), 'codepulse-dash-'));
  const store = db || join(dir, 'collector.db');
  if (makeDb) makeDb(store);
  run(collector, ['cert', 'create', '--dir', join(dir, 'pki')]);
  const token = (author, role) =>
    run(collector, ['token', 'create', '--db', store, '--author', author, '--role', role]).trim().split('\n').pop().trim();
  const viewer = token('lead@acme.example', 'viewer');
  const tracker = token('dev@acme.example', 'tracker');
  const patTracker = token('pat@acme.example', 'tracker');
  const extra = [];
  if (githubSecret) {
    writeFileSync(join(dir, 'github.secret'), `${githubSecret}\n`, { mode: 0o600 });
    extra.push('--github-secret-file', join(dir, 'github.secret'));
  }
  if (jiraSecret) {
    writeFileSync(join(dir, 'jira.secret'), `${jiraSecret}\n`, { mode: 0o600 });
    extra.push('--jira-secret-file', join(dir, 'jira.secret'));
  }
  const child = spawn(collector, ['serve', '--listen', listen, '--db', store,
    '--tls-cert', join(dir, 'pki/server.pem'), '--tls-key', join(dir, 'pki/server-key.pem'),
    '--budget-refresh', '1s', ...extra, ...args],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 600_000;
  let port = 0;
  while (Date.now() < deadline) {
    const m = log.match(/listening on https:\/\/127\.0\.0\.1:(\d+)/);
    if (m) port = Number(m[1]);
    if (port && /report cube ready/.test(log)) break;
    if (child.exitCode !== null) throw new Error(`the collector exited: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!port || !/report cube ready/.test(log)) throw new Error(`the collector did not get ready: ${log}`);
  const ca = readFileSync(join(dir, 'pki/ca.pem'));
  return {
    dir, store, viewer, tracker, patTracker, port, ca, githubSecret, jiraSecret,
    url: `https://localhost:${port}`,
    log: () => log,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

// GET a JSON API path with a bearer token.
export function apiGet(c, path, token = c.viewer) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port: c.port, path, ca: c.ca,
      headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
        resolve(JSON.parse(body));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

// POST one batch (proto/README.md) with a tracker token: zstd-compressed by
// the zstd command when there is one, else sent as identity (both accepted).
// Resolves to the collector's JSON answer.
export function postBatch(c, batch, token = c.tracker) {
  return post(c, '/v1/batches', batch, token);
}

// One GitHub webhook delivery: `event` (X-GitHub-Event) with `payload`,
// signed as GitHub does (X-Hub-Signature-256: HMAC-SHA256 of the body).
export function postGithub(c, event, delivery, payload) {
  const body = Buffer.from(JSON.stringify(payload));
  const signature = `sha256=${createHmac('sha256', c.githubSecret).update(body).digest('hex')}`;
  return send(c, '/v1/webhooks/github', body, {
    'Content-Type': 'application/json', 'X-GitHub-Event': event, 'X-GitHub-Delivery': delivery,
    'X-Hub-Signature-256': signature });
}

// One Jira Cloud issue event, with the secret in its header as
// docs/COLLECTOR.md allows.
export function postJira(c, payload) {
  return send(c, '/v1/webhooks/jira', Buffer.from(JSON.stringify(payload)), {
    'Content-Type': 'application/json', 'X-Codepulse-Secret': c.jiraSecret });
}

function post(c, path, batch, token) {
  const json = Buffer.from(JSON.stringify(batch));
  const z = spawnSync('zstd', ['-q', '-c'], { input: json, maxBuffer: 64 << 20 });
  const zstd = !z.error && z.status === 0;
  return send(c, path, zstd ? z.stdout : json, { Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json', ...(zstd ? { 'Content-Encoding': 'zstd' } : {}) });
}

function send(c, path, body, headers) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port: c.port, path, method: 'POST', ca: c.ca,
      headers: { ...headers, 'Content-Length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`POST ${path}: ${res.statusCode} ${text}`));
        resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
