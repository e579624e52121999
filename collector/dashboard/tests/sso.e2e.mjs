// Single sign-on in headless chromium (docs/SSO.md). A collector trusts npm's
// oidc-provider, started here over HTTPS: the dashboard offers "Sign in with
// SSO", the provider's login form signs lead@acme.example in, its groups
// make it a finance user, the dashboard shows the explorer's data and the
// session cookie is HttpOnly, Secure, SameSite=Strict; logout ends it (the
// API refuses the old cookie). A second collector trusts a fake provider
// whose ID tokens are broken on purpose: a wrong issuer, audience or
// signature, an expired token and another login's nonce are refused, and so
// is the replay of a callback (its state) that once logged in.
//   node sso.e2e.mjs --collector BIN --bench BIN
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, loadPlaywright, startCollector, steps } from './harness.mjs';
import { freePort, startFakeProvider, startOidcProvider } from './oidc_provider.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const collector = arg('--collector');
const bench = arg('--bench');
if (!collector || !bench) {
  console.error('usage: sso.e2e.mjs --collector BIN --bench BIN');
  process.exit(2);
}

const pw = await loadPlaywright();
const dir = mkdtempSync(join(tmpdir(), 'codepulse-sso-'));
execFileSync(collector, ['cert', 'create', '--dir', join(dir, 'idp-pki')]);
const pki = join(dir, 'idp-pki');
const accounts = {
  'lead@acme.example': { email: 'lead@acme.example', groups: ['engineering', 'cp-finance'] },
};
const secretFile = join(dir, 'client.secret');
writeFileSync(secretFile, 'e2e-client-secret-0123456789\n', { mode: 0o600 });

const withSso = async (issuer, port, extra = []) => startCollector({
  collector,
  dir: mkdtempSync(join(dir, 'collector-')),
  listen: `127.0.0.1:${port}`,
  makeDb: (db) => execFileSync(bench, ['generate', '--db', db, '--records', '2000', '--seed', '7']),
  args: ['--oidc-issuer', issuer, '--oidc-client-id', 'codepulse-e2e',
    '--oidc-client-secret-file', secretFile,
    '--oidc-redirect-url', `https://localhost:${port}/v1/sso/callback`,
    '--oidc-ca-file', join(pki, 'ca.pem'), '--oidc-scopes', 'openid,email,groups',
    '--oidc-admin-groups', 'cp-admins', '--oidc-finance-groups', 'cp-finance', ...extra],
});

const realPort = await freePort();
const idp = await startOidcProvider({ pki, clientId: 'codepulse-e2e', clientSecret: 'e2e-client-secret-0123456789',
  redirectUri: `https://localhost:${realPort}/v1/sso/callback`, accounts });
if (!idp) {
  console.log('SKIP: oidc-provider is not installed; run packaging/install-dashboard-deps.sh (npm ci in collector/dashboard)');
  process.exit(process.env.CI === 'true' ? 1 : 77);
}
const fake = await startFakeProvider({ pki, clientId: 'codepulse-e2e', accounts });
const fakePort = await freePort();
let real;
let other;
const browser = await launch(pw);
const progress = steps();
const step = progress.run;

try {
  real = await withSso(idp.issuer, realPort);
  other = await withSso(fake.issuer, fakePort);
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const sessionCookie = async () => (await context.cookies()).find((k) => k.name === '__Host-codepulse_session');
  // The JSON API from inside the page (same origin: the session cookie goes along).
  const apiStatus = (path) => page.evaluate(async (p) => (await fetch(p, { cache: 'no-store' })).status, path);

  await step('the dashboard offers single sign-on next to the token form', async () => {
    await page.goto(`${real.url}/`);
    await page.waitForSelector('#token');
    await page.waitForSelector('#sso-login');
    assert.match(await page.textContent('#sso-login'), /Sign in with SSO/);
  });

  await step('oidc-provider signs a finance user in; the dashboard shows data with that role', async () => {
    await page.click('#sso-login');
    await page.waitForURL((u) => u.toString().startsWith(idp.issuer));
    await page.fill('input[name="login"]', 'lead@acme.example');
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    await page.waitForSelector('button.login-submit');  // the provider's consent page
    await page.click('button.login-submit');
    await page.waitForURL((u) => u.toString().startsWith(real.url));
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.match(await page.textContent('.who'), /lead@acme\.example \(finance\)/);
    const cookie = await sessionCookie();
    assert.ok(cookie && cookie.value.startsWith('sso_'), 'an SSO session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await apiStatus('/v1/report?group_by=model'), 200);
    const who = await page.evaluate(async () => (await fetch('/v1/whoami')).json());
    assert.deepEqual([who.author, who.role], ['lead@acme.example', 'finance']);
    // An admin route stays an admin's.
    assert.equal(await apiStatus('/v1/admin/seats'), 403);
  });

  await step('a state-changing request with the cookie needs the CSRF header', async () => {
    const status = await page.evaluate(async () => (await fetch('/v1/sso/logout', { method: 'POST' })).status);
    assert.equal(status, 403);
    assert.equal(await apiStatus('/v1/session'), 200);
  });

  await step('logout ends the session; the old cookie is refused', async () => {
    const old = await sessionCookie();
    await page.click('#logout');
    await page.waitForSelector('#token');
    assert.equal(await apiStatus('/v1/session'), 401);
    await context.addCookies([{ name: old.name, value: old.value, url: real.url, httpOnly: true, secure: true, sameSite: 'Strict' }]);
    assert.equal(await apiStatus('/v1/session'), 401);
    await context.clearCookies();
  });

  const refused = async (mode, pattern) => {
    fake.mode = mode;
    const res = await page.goto(`${other.url}/v1/sso/login`);
    assert.equal(res.status(), 401, `${mode}: ${await res.text()}`);
    assert.match(await res.text(), pattern);
    assert.equal(await sessionCookie(), undefined, `${mode}: no session`);
  };

  await step('ID tokens with a wrong issuer, audience or signature are refused', async () => {
    await refused('wrong-issuer', /issuer/);
    await refused('wrong-audience', /audience/);
    await refused('bad-signature', /signature/);
  });

  await step('an expired ID token is refused', async () => {
    await refused('expired', /expired/);
  });

  await step("another login's nonce is refused", async () => {
    await refused('replayed-nonce', /nonce/);
  });

  await step('a good login works once; replaying its callback (state) is refused', async () => {
    fake.mode = 'ok';
    await page.goto(`${other.url}/`);
    await page.waitForSelector('#sso-login');
    await page.click('#sso-login');
    await page.waitForSelector('table.tree tbody tr[data-depth="0"]');
    assert.match(await page.textContent('.who'), /lead@acme\.example \(finance\)/);
    const callback = fake.lastCallback;
    await page.click('#logout');
    await page.waitForSelector('#token');
    const res = await page.goto(callback);
    assert.equal(res.status(), 401);
    assert.match(await res.text(), /already used/);
    assert.equal(await sessionCookie(), undefined);
  });

  console.log(`${progress.passed} passed, 0 failed`);
} catch (e) {
  console.error(e);
  if (real) console.error(`collector (oidc-provider) log:\n${real.log()}`);
  if (other) console.error(`collector (fake provider) log:\n${other.log()}`);
  console.log(`${progress.passed} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  await browser.close();
  if (real) await real.stop();
  if (other) await other.stop();
  await idp.stop();
  await fake.stop();
}
