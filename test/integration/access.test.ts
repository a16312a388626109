// Scoped access: named keys from TASKHUB_API_KEYS_FILE (only their SHA-256 stored, reloaded without a
// restart), TASKHUB_API_KEYS with full access, and JWTs for frontends verified against a local JWKS server,
// with tokens signed here. Every refusal happens before any vendor call.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK, CryptoKey } from 'jose';
import { BATCH, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const hex = (key: string) => createHash('sha256').update(key).digest('hex');
const KEYS = {
  reader: 'reader-key-0123456789abcdef',
  k2writer: 'k2-writer-key-0123456789abcdef',
  writeOnly: 'write-only-key-0123456789abcdef',
  late: 'late-key-0123456789abcdef',
};
const ENV_KEY = 'env-key-0123456789abcdef';
const entry = (name: string, key: string, scopes: string[]) => ({ name, sha256: hex(key), scopes });
const INITIAL = [
  entry('reader', KEYS.reader, ['tasks:read']),
  entry('k2-nightly', KEYS.k2writer, ['tasks:read', 'tasks:write:K2']),
  entry('write-only', KEYS.writeOnly, ['tasks:write']),
];

const LIST = '{ tasks(first: 3) { edges { node { id name } } } }';
const MIXED = { items: [{ zuora: { id: '2771', name: 'scoped' } }, { k2: { serialNumber: '12_8', action: 'Approve' } }] };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let dir: string;
let keysFile: string;
let h: Harness;
let url: string;
const vendorCalls = () => h.vendors.zuora.server.requests.length + h.vendors.k2.server.requests.length
  + h.vendors.ibmBpm.server.requests.length + h.vendors.superOffice.server.requests.length;
const writeKeys = (entries: unknown) => {
  // Replaced by rename, as editors and secret managers do.
  writeFileSync(`${keysFile}.tmp`, JSON.stringify(entries));
  renameSync(`${keysFile}.tmp`, keysFile);
};
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100; i++) { if (await check()) return true; await new Promise((r) => setTimeout(r, 50)); }
  return false;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taskhub-keys-'));
  keysFile = join(dir, 'keys.json');
  writeKeys(INITIAL);
  h = await startHarness({ env: { TASKHUB_API_KEYS: ENV_KEY, TASKHUB_API_KEYS_FILE: keysFile } });
  url = await h.listen();
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TASKHUB_API_KEYS_FILE', () => {
  it('no key or an unknown key is 401; a file key with tasks:read reads; TASKHUB_API_KEYS keeps full access', async () => {
    expect((await h.gql(LIST)).status).toBe(401);
    expect((await h.gql(LIST, {}, bearer('unknown-key-0123456789abcdef'))).status).toBe(401);
    // The stored digest is not a key.
    expect((await h.gql(LIST, {}, bearer(hex(KEYS.reader)))).status).toBe(401);
    const read = await h.gql(LIST, {}, bearer(KEYS.reader));
    expect(read.status).toBe(200);
    expect(read.body.data.tasks.edges).toHaveLength(3);
    const full = await h.gql(BATCH, { input: { items: [{ zuora: { id: '2771', name: 'env key' } }] } }, bearer(ENV_KEY));
    expect(full.body.data.batchUpdateTasks.succeeded).toBe(1);
  });

  // Yoga serves GraphQL at any URL that ends in its endpoint (`/x/graphql`, `/graphql/`, even a query string
  // ending so); access control must hold on every one of them, or not serve them at all.
  it.each(['/graphql/', '//graphql', '/x/graphql', '/api/v2/graphql', '/health?x=/graphql', '/ready?x=/graphql/'])(
    'no credential at %s: no data and no write, whatever the path', async (path) => {
      const before = vendorCalls();
      const post = await fetch(`${url}${path}`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: BATCH, variables: { input: { items: [{ zuora: { id: '2771', name: 'no credential' } }] } } }),
      });
      expect([401, 404, 405]).toContain(post.status);
      expect(await post.text()).not.toContain('batchUpdateTasks');
      // With the query appended, a probe's URL is the probe again: it may answer, but never with tasks.
      const get = await fetch(`${url}${path}${path.includes('?') ? '&' : '?'}query=${encodeURIComponent(LIST)}`);
      if (!path.startsWith('/health') && !path.startsWith('/ready')) expect([401, 404]).toContain(get.status);
      expect(await get.text()).not.toContain('edges');
      expect(vendorCalls()).toBe(before);
    });

  it('a GET at another path ending in /graphql with bad variables is a 4xx, not a 500', async () => {
    const res = await fetch(`${url}/graphql/?query=${encodeURIComponent('{__typename}')}&variables=${encodeURIComponent('{bad')}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('a key without tasks:write gets 403 on a mutation, and nothing is sent; the metric counts it forbidden', async () => {
    const before = vendorCalls();
    const counted = async (result: string) => Number(new RegExp(`taskhub_graphql_access_total\\{client="reader",result="${result}"\\} (\\d+)`)
      .exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
    const [allowed, forbidden] = [await counted('allowed'), await counted('forbidden')];
    const res = await h.gql(BATCH, { input: MIXED }, bearer(KEYS.reader));
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/tasks:write/), extensions: { code: 'FORBIDDEN' } });
    expect(vendorCalls()).toBe(before);
    expect([await counted('allowed') - allowed, await counted('forbidden') - forbidden]).toEqual([0, 1]);
  });

  it('a key without tasks:read gets 403 before any vendor call, even for a mutation', async () => {
    const before = vendorCalls();
    for (const query of [LIST, BATCH]) {
      const res = await h.gql(query, { input: MIXED }, bearer(KEYS.writeOnly));
      expect(res.status).toBe(403);
      expect(res.body.errors?.[0]?.message).toMatch(/tasks:read/);
    }
    expect(vendorCalls()).toBe(before);
  });

  it('items for a backend outside the write scopes are TaskUpdateDenied naming the scope; the others proceed', async () => {
    const zuoraPuts = h.vendors.zuora.server.count('PUT');
    const res = await h.gql(BATCH, { input: MIXED }, bearer(KEYS.k2writer));
    expect(res.status).toBe(200);
    const [zuora, k2] = res.body.data.batchUpdateTasks.results;
    expect(zuora).toMatchObject({ __typename: 'TaskUpdateDenied', index: 0, code: 'PERMISSION_DENIED', retryable: false });
    expect(zuora.message).toMatch(/tasks:write:ZUORA/);
    expect(k2).toMatchObject({ index: 1, backend: 'K2' });
    expect(['TaskUpdated', 'TaskUpdateAccepted']).toContain(k2.__typename);
    expect(h.vendors.zuora.server.count('PUT')).toBe(zuoraPuts);
  });

  it("logs and metrics carry the key's name, never the key", async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/taskhub_graphql_access_total\{client="k2-nightly",result="allowed"\} [1-9]/);
    expect(metrics).toMatch(/taskhub_graphql_access_total\{client="write-only",result="forbidden"\} [1-9]/);
    const logs = h.logLines.join('');
    expect(logs).toContain('"client":"k2-nightly"');
    for (const key of [...Object.values(KEYS), ENV_KEY]) {
      expect(logs).not.toContain(key);
      expect(metrics).not.toContain(key);
    }
  });

  it('reloads the file when it changes, without a restart; an invalid file keeps the keys in force', async () => {
    expect((await h.gql(LIST, {}, bearer(KEYS.late))).status).toBe(401);
    writeKeys([...INITIAL, entry('late', KEYS.late, ['tasks:read'])]);
    expect(await until(async () => (await h.gql(LIST, {}, bearer(KEYS.late))).status === 200)).toBe(true);

    writeKeys([{ name: 'broken', sha256: 'not-hex', scopes: ['tasks:read'] }]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.gql(LIST, {}, bearer(KEYS.late))).status).toBe(200);
    expect(h.logLines.join('')).toMatch(/API keys file not reloaded/);

    // SIGHUP does the same through app.access.reload() (main.ts); a removed key stops working.
    writeFileSync(keysFile, JSON.stringify(INITIAL));
    expect(h.app.access.reload()).toBe(true);
    expect((await h.gql(LIST, {}, bearer(KEYS.late))).status).toBe(401);
  });

  it('refuses to start with an invalid file, naming the problem and not the digest', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ name: 'x', sha256: hex('k'), scopes: ['tasks:admin'] }]));
    await expect(startHarness({ env: { TASKHUB_API_KEYS_FILE: bad } })).rejects.toThrow(/TASKHUB_API_KEYS_FILE entry 0 \(x\): scopes must be/);
    writeFileSync(bad, '{');
    await expect(startHarness({ env: { TASKHUB_API_KEYS_FILE: bad } })).rejects.toThrow(/TASKHUB_API_KEYS_FILE is not valid JSON/);
    expect(readFileSync(bad, 'utf8')).toBe('{');
  });
});

describe('JWT (TASKHUB_JWT_JWKS_URL, _ISSUER, _AUDIENCE)', () => {
  const ISSUER = 'https://idp.test/';
  const AUDIENCE = 'taskhub';
  let jwks: Server;
  let jwksKeys: JWK[] = [];
  let jwksFetches = 0;
  let jwksFault: 'status 500' | 'not JSON' | 'connection reset' | undefined;
  let jh: Harness;
  let rsa: { privateKey: CryptoKey; kid: string };
  let ec: { privateKey: CryptoKey; kid: string };

  const publish = async (alg: 'RS256' | 'ES256', kid: string) => {
    const pair = await generateKeyPair(alg, { extractable: true });
    jwksKeys.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' });
    return { privateKey: pair.privateKey, kid };
  };
  const token = (signer: { privateKey: CryptoKey; kid: string }, alg: 'RS256' | 'ES256', claims: {
    scope?: string; scp?: unknown; iss?: string; aud?: string; exp?: number | string;
  } = {}) => new SignJWT({
    ...(claims.scp !== undefined ? { scp: claims.scp } : { scope: claims.scope ?? 'tasks:read' }),
  })
    .setProtectedHeader({ alg, kid: signer.kid })
    .setSubject('user-42')
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '5m')
    .sign(signer.privateKey);

  beforeAll(async () => {
    rsa = await publish('RS256', 'rsa-1');
    ec = await publish('ES256', 'ec-1');
    jwks = createServer((req, res) => {
      jwksFetches++;
      if (jwksFault === 'status 500') { res.statusCode = 500; res.end('{"error":"down"}'); return; }
      if (jwksFault === 'not JSON') { res.end('<html>maintenance</html>'); return; }
      if (jwksFault === 'connection reset') { req.socket.destroy(); return; }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: jwksKeys }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    jh = await startHarness({ env: {
      TASKHUB_JWT_JWKS_URL: jwksUrl, TASKHUB_JWT_ISSUER: ISSUER, TASKHUB_JWT_AUDIENCE: AUDIENCE, TASKHUB_JWT_JWKS_COOLDOWN_MS: '0',
    } });
  });
  afterAll(async () => {
    await jh?.close();
    await new Promise<void>((r) => { jwks.close(() => r()); jwks.closeAllConnections(); });
  });

  it('accepts RS256 and ES256 tokens; scopes come from the space-separated scope claim', async () => {
    const rs = await jh.gql(LIST, {}, bearer(await token(rsa, 'RS256')));
    expect(rs.status).toBe(200);
    expect(rs.body.data.tasks.edges).toHaveLength(3);
    const readOnly = await jh.gql(BATCH, { input: MIXED }, bearer(await token(ec, 'ES256')));
    expect(readOnly.status).toBe(403);
    const writer = await jh.gql(BATCH, { input: MIXED }, bearer(await token(ec, 'ES256', { scope: 'tasks:read tasks:write:ZUORA' })));
    expect(writer.status).toBe(200);
    const [zuora, k2] = writer.body.data.batchUpdateTasks.results;
    expect(zuora.__typename).toBe('TaskUpdated');
    expect(k2).toMatchObject({ __typename: 'TaskUpdateDenied', code: 'PERMISSION_DENIED', message: expect.stringMatching(/tasks:write:K2/) });
  });

  it('reads scopes from scp too: an array (Okta) or a space-separated string (Entra ID); a malformed one grants nothing', async () => {
    const okta = await jh.gql(BATCH, { input: MIXED }, bearer(await token(rsa, 'RS256', { scp: ['tasks:read', 'tasks:write:K2'] })));
    expect(okta.status).toBe(200);
    expect(okta.body.data.batchUpdateTasks.results.map((r: { __typename: string }) => r.__typename))
      .toEqual(['TaskUpdateDenied', expect.stringMatching(/^Task(Updated|UpdateAccepted)$/)]);
    const entra = await jh.gql(LIST, {}, bearer(await token(ec, 'ES256', { scp: 'tasks:read' })));
    expect(entra.status).toBe(200);
    const malformed = await jh.gql(LIST, {}, bearer(await token(rsa, 'RS256', { scp: { 'tasks:read': true } })));
    expect(malformed.status).toBe(403);
  });

  it('forged, expired, wrong issuer and wrong audience tokens are 401, before any vendor call', async () => {
    const before = jh.vendors.zuora.server.requests.length + jh.vendors.k2.server.requests.length;
    const impostor = { privateKey: (await generateKeyPair('RS256')).privateKey, kid: 'rsa-1' };
    const cases = {
      forged: await token(impostor, 'RS256'),
      expired: await token(rsa, 'RS256', { exp: Math.floor(Date.now() / 1000) - 3600 }),
      issuer: await token(rsa, 'RS256', { iss: 'https://evil.test/' }),
      audience: await token(rsa, 'RS256', { aud: 'another-app' }),
      tampered: (await token(rsa, 'RS256')).replace(/\.([^.]+)\./, (_m, p: string) => `.${Buffer.from(JSON.stringify({
        ...JSON.parse(Buffer.from(p, 'base64url').toString()), scope: 'tasks:read tasks:write' })).toString('base64url')}.`),
    };
    for (const [name, t] of Object.entries(cases)) {
      const res = await jh.gql(BATCH, { input: MIXED }, bearer(t));
      expect(res.status, name).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
    expect(jh.vendors.zuora.server.requests.length + jh.vendors.k2.server.requests.length).toBe(before);
  });

  // Without `sub` every such token would be the same caller (jobs and idempotency keys are scoped by it);
  // without `exp` a leaked token would never stop working.
  it('a token without exp, or without a sub that names someone, is 401', async () => {
    const base = () => new SignJWT({ scope: 'tasks:read tasks:write' }).setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt();
    const cases = {
      'no exp': await base().setSubject('user-42').sign(rsa.privateKey),
      'no sub': await base().setExpirationTime('5m').sign(rsa.privateKey),
      'an empty sub': await base().setSubject('').setExpirationTime('5m').sign(rsa.privateKey),
      'a sub that is no string': await new SignJWT({ scope: 'tasks:read', sub: 42 } as never).setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
        .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(rsa.privateKey),
    };
    for (const [name, t] of Object.entries(cases)) {
      const res = await jh.gql(LIST, {}, bearer(t));
      expect(res.status, name).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
  });

  it.each(['status 500', 'not JSON', 'connection reset'] as const)(
    'a JWKS that cannot be had (%s) is 503 AUTH_UNAVAILABLE: the caller is not at fault', async (fault) => {
      const unseen = await publish('RS256', `rsa-${fault.replace(/ /g, '-')}`);
      jwksFault = fault;
      try {
        const res = await jh.gql(LIST, {}, bearer(await token(unseen, 'RS256')));
        expect(res.status).toBe(503);
        expect(res.body.errors?.[0]?.extensions?.code).toBe('AUTH_UNAVAILABLE');
      } finally {
        jwksFault = undefined;
      }
      expect((await jh.gql(LIST, {}, bearer(await token(unseen, 'RS256')))).status).toBe(200);
    });

  it('a token without tasks:read is 403; no vendor is called', async () => {
    const before = jh.vendors.zuora.server.requests.length;
    const res = await jh.gql(LIST, {}, bearer(await token(rsa, 'RS256', { scope: 'tasks:write' })));
    expect(res.status).toBe(403);
    expect(jh.vendors.zuora.server.requests.length).toBe(before);
  });

  it('caches the JWKS, and fetches it again for a key id it has not seen (rotation)', async () => {
    const fetched = jwksFetches;
    await jh.gql(LIST, {}, bearer(await token(rsa, 'RS256')));
    expect(jwksFetches).toBe(fetched);
    const rotated = await publish('RS256', 'rsa-2');
    const res = await jh.gql(LIST, {}, bearer(await token(rotated, 'RS256')));
    expect(res.status).toBe(200);
    expect(jwksFetches).toBe(fetched + 1);
  });

  it('GraphiQL still opens without a token (the header is pasted there)', async () => {
    const page = await jh.app.yoga.fetch('http://taskhub/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/graphiql/i);
  });
});

// Defence in depth: were some path to reach GraphQL without the request check (the route guard above
// gone, or a new Yoga route), useAccess still runs nothing for a request it did not authenticate.
describe('useAccess fails closed', () => {
  it('a GraphQL request at a path its request check skips is 401 when access control is on', async () => {
    const { createSchema, createYoga } = await import('graphql-yoga');
    const { useAccess } = await import('../../src/plugins/use-access.js');
    let resolved = 0;
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { secret: String }', resolvers: { Query: { secret: () => { resolved++; return 's'; } } } }),
      plugins: [useAccess({
        open: false, reload: () => true, close: () => {},
        authenticate: async () => ({ ok: false, status: 401, code: 'UNAUTHENTICATED', message: 'no' }),
      }, '/graphql')],
    });
    const res = await yoga.fetch('http://taskhub/x/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ secret }' }),
    });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(resolved).toBe(0);
  });
});
