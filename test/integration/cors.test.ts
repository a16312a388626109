// Which web pages may call taskhub from a browser. Yoga's default answered every origin's preflight and
// reflected the origin with credentials, so any page could read an open taskhub (no keys, on a private
// network) through its visitors' browsers: the one risk the CSRF policy leaves (README, Security).
// Now no origin is answered unless TASKHUB_CORS_ORIGINS names it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const preflight = (url: string, origin: string) => fetch(`${url}/graphql`, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
});
const query = (url: string, origin: string) => fetch(`${url}/graphql`, {
  method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }),
});

/** A taskhub on a port for the calling describe block, with these variables; read `url()` inside tests. */
function useServer(env: Record<string, string> = {}): () => string {
  let h: Harness | undefined;
  let url = '';
  beforeAll(async () => { h = await startHarness({ env }); url = await h.listen(); });
  afterAll(() => h?.close());
  return () => url;
}

describe('with no TASKHUB_CORS_ORIGINS', () => {
  const url = useServer();

  it('answers no origin: a page elsewhere can neither pass a preflight nor read an answer', async () => {
    const pre = await preflight(url(), 'http://evil.example');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await query(url(), 'http://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('with TASKHUB_CORS_ORIGINS', () => {
  const url = useServer({ TASKHUB_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });

  it('answers the origins named, without credentials mode, and exposes x-request-id', async () => {
    const pre = await preflight(url(), 'http://localhost:5173');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await query(url(), 'https://app.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/i);
  });

  it('answers no other origin, and tells caches the answer depends on the origin', async () => {
    const pre = await preflight(url(), 'http://evil.example');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await query(url(), 'http://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect((await query(url(), 'https://app.example.com')).headers.get('vary')).toMatch(/\bOrigin\b/);
  });
});

describe('with one origin in TASKHUB_CORS_ORIGINS', () => {
  const url = useServer({ TASKHUB_CORS_ORIGINS: 'https://app.example.com' });

  it('sends it only to that origin', async () => {
    expect((await query(url(), 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await query(url(), 'http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(url(), 'http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('TASKHUB_CORS_ORIGINS values', () => {
  it.each([
    ['https://app.example.com/', /no trailing slash/],
    ['app.example.com', /not an origin/],
    ['https://app.example.com/path', /not an origin/],
    ['ftp://files.example.com', /not an origin/],
    [' , ', /names no origin/],
  ])('refuses %j at start-up', (value, message) => {
    expect(() => loadConfig({ TASKHUB_CORS_ORIGINS: value })).toThrow(message);
  });

  it('takes origins and *', () => {
    expect(loadConfig({ TASKHUB_CORS_ORIGINS: 'https://a.example.com:8443,*' }).corsOrigins).toEqual(['https://a.example.com:8443', '*']);
    expect(loadConfig({}).corsOrigins).toEqual([]);
  });
});
