// OpenID providers for the single sign-on browser test, both over HTTPS on
// 127.0.0.1 with a certificate made by `codepulse-collector cert create`:
// npm's oidc-provider (a certified implementation) for the real login, and
// a tiny fake one whose token endpoint answers ID tokens broken on purpose
// (wrong issuer, audience, signature, expired, another login's nonce).
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp } from 'node:net';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// A free TCP port on 127.0.0.1 (closed again: the caller binds it next).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createTcp();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function tls(pki) {
  return { key: readFileSync(join(pki, 'server-key.pem')), cert: readFileSync(join(pki, 'server.pem')) };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

// The real provider: oidc-provider with one client (`clientId`, `clientSecret`,
// `redirectUri`), its development login form (any login, any password) and
// every account's claims from `accounts` (login -> {email, groups}).
export async function startOidcProvider({ pki, clientId, clientSecret, redirectUri, accounts }) {
  let Provider;
  try {
    ({ default: Provider } = await import('oidc-provider'));
  } catch {
    return null;
  }
  const port = await freePort();
  const issuer = `https://localhost:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'e2e-rs256', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
      grant_types: ['authorization_code'], response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    conformIdTokenClaims: false, // email and groups in the ID token, not only at userinfo
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    findAccount: async (ctx, id) => {
      const a = accounts[id] || { email: id, groups: [] };
      return { accountId: id, claims: async () => ({ sub: id, email: a.email, email_verified: true, groups: a.groups }) };
    },
  });
  provider.proxy = false;
  const server = createHttps(tls(pki), provider.callback());
  await listen(server, port);
  return { issuer, port, stop: () => new Promise((r) => server.close(r)) };
}

const b64u = (buf) => Buffer.from(buf).toString('base64url');

function jwt(privateKey, kid, claims) {
  const input = `${b64u(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${b64u(sign('sha256', Buffer.from(input), privateKey))}`;
}

// The fake provider: its authorization endpoint sends the browser straight
// back with a code; its token endpoint answers an ID token made by `mode`:
// 'ok', 'wrong-issuer', 'wrong-audience', 'bad-signature', 'expired' or
// 'replayed-nonce' (the nonce of the login before). `lastCallback` is the
// URL it sent the browser back to.
export async function startFakeProvider({ pki, clientId, accounts }) {
  const port = await freePort();
  const issuer = `https://localhost:${port}`;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = key.publicKey.export({ format: 'jwk' });
  const codes = new Map(); // code -> {nonce, challenge}
  const fake = { issuer, port, mode: 'ok', login: Object.keys(accounts)[0], lastCallback: '', nonces: [] };
  const server = createHttps(tls(pki), (req, res) => {
    const url = new URL(req.url, issuer);
    const json = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [{ ...pub, kid: 'fake-1', alg: 'RS256', use: 'sig' }] });
    if (url.pathname === '/auth') {
      const q = url.searchParams;
      const code = b64u(randomBytes(16));
      codes.set(code, { nonce: q.get('nonce'), challenge: q.get('code_challenge') });
      fake.nonces.push(q.get('nonce'));
      const back = new URL(q.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state'));
      fake.lastCallback = back.toString();
      res.writeHead(302, { Location: fake.lastCallback });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code'));
        if (!grant) return json(400, { error: 'invalid_grant' });
        const verifier = form.get('code_verifier') || '';
        if (b64u(createHash('sha256').update(verifier).digest()) !== grant.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE' });
        codes.delete(form.get('code'));
        const now = Math.floor(Date.now() / 1000);
        const a = accounts[fake.login];
        const claims = { iss: issuer, aud: clientId, sub: fake.login, email: a.email, groups: a.groups,
          iat: now, exp: now + 300, nonce: grant.nonce };
        if (fake.mode === 'wrong-issuer') claims.iss = 'https://evil.example';
        if (fake.mode === 'wrong-audience') claims.aud = 'another-client';
        if (fake.mode === 'expired') Object.assign(claims, { iat: now - 900, exp: now - 600 });
        if (fake.mode === 'replayed-nonce') claims.nonce = fake.nonces[fake.nonces.length - 2];
        const signer = fake.mode === 'bad-signature' ? forger.privateKey : key.privateKey;
        return json(200, { access_token: 'x', token_type: 'Bearer', id_token: jwt(signer, 'fake-1', claims) });
      });
      return undefined;
    }
    return json(404, { error: 'not found' });
  });
  await listen(server, port);
  fake.stop = () => new Promise((r) => server.close(r));
  return fake;
}
