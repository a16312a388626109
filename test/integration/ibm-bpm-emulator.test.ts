// The IBM BPM emulator's documented quirks, seen over raw HTTP (no client in between).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { basicAuth } from '../../src/transport/encoding.js';
import {
  IBM_BPM_DEMO_CREDENTIALS as CREDS, IBM_FOREIGN_TKIID, IBM_RESTRICTED_TKIID, IBM_SEED_TASKS, startIbmBpmEmulator,
} from '../../src/vendors/ibm-bpm/emulator.js';
import type { IbmBpmEmulator } from '../../src/vendors/ibm-bpm/emulator.js';

const AUTH = basicAuth(CREDS.username, CREDS.password);
const id = (n: number) => `_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c01${n.toString(16)}`;
const READY = id(0x35), CLAIMED = id(0x36), SUSPENDED = id(0x39), FINISHED = id(0x3a);
let emu: IbmBpmEmulator;
beforeEach(async () => { await emu?.close(); emu = await startIbmBpmEmulator({ host: '127.0.0.1', port: 0 }); });
afterAll(async () => { await emu?.close(); });

async function call(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: AUTH, accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(emu.server.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}
const update = (ids: string[], values: unknown) => ({ updatedTaskIDs: ids, updatedPropertyValues: values });

describe('IBM BPM emulator', () => {
  it('seeds every §4 state, one suspended READY task and one restricted task', () => {
    const states = new Set(IBM_SEED_TASKS.map((t) => t.state));
    for (const s of ['STATE_INACTIVE', 'STATE_READY', 'STATE_CLAIMED', 'STATE_RUNNING', 'STATE_FINISHED', 'STATE_FORWARDED',
      'STATE_FAILED', 'STATE_EXPIRED', 'STATE_TERMINATED']) expect(states).toContain(s);
    expect(emu.tasks.get(SUSPENDED)).toMatchObject({ state: 'STATE_READY', suspended: true });
    expect(emu.restricted).toEqual(new Set([IBM_RESTRICTED_TKIID]));
  });

  it('reads a task with the colon encoded or raw', async () => {
    const encoded = await call('GET', `/rest/bpm/htm/v1/task/${encodeURIComponent(READY)}`);
    const raw = await call('GET', `/rest/bpm/htm/v1/task/${READY}`);
    expect(emu.server.requests.map((r) => r.rawPath)).toEqual([
      '/rest/bpm/htm/v1/task/_TKI%3Aa01b0130.23ef69dd.2c2a1ff5.7c9c0135', '/rest/bpm/htm/v1/task/_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135']);
    expect([encoded.status, raw.status]).toEqual([200, 200]);
    expect(raw.json).toMatchObject({ tkiid: READY, state: 'STATE_READY', customProperties: { costCenter: 'CC-4100', region: 'EMEA' } });
  });

  it('unknown tkiid → 404 CWTKA0024E; malformed → 400 CWTKA0001E', async () => {
    const unknown = '_TKI:00000000.00000000.00000000.00000000';
    expect(await call('GET', `/rest/bpm/htm/v1/task/${unknown}`)).toMatchObject({ status: 404, json: {
      errorNumber: 'CWTKA0024E', errorMessageParameters: [unknown],
      errorMessage: `CWTKA0024E: The task ''${unknown}'' does not exist; it might have been deleted in the meantime.` } });
    expect(await call('GET', '/rest/bpm/htm/v1/task/PI-1')).toMatchObject({ status: 400, json: { errorNumber: 'CWTKA0001E' } });
  });

  it('401 with a JSON body without valid Basic credentials', async () => {
    for (const authorization of ['', basicAuth(CREDS.username, 'x'), 'Bearer abc']) {
      const res = await call('GET', '/rest/bpm/htm/v1/tasks/filter', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.json).toHaveProperty('errorMessage');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
  });

  it('406 for an unsupported Accept, 415 for an unsupported Content-Type', async () => {
    expect(await call('GET', `/rest/bpm/htm/v1/task/${READY}`, { headers: { accept: 'application/xml' } })).toMatchObject({ status: 406, json: { errorNumber: 'CWTBF0019E' } });
    expect((await call('GET', `/rest/bpm/htm/v1/task/${READY}`, { headers: { accept: 'text/html, application/json;q=0.9' } })).status).toBe(200);
    const res = await call('PUT', '/rest/bpm/htm/v1/task?action=update', { body: update([READY], { priority: 1 }), headers: { 'content-type': 'text/plain' } });
    expect(res).toMatchObject({ status: 415, json: { errorNumber: 'CWTBF0018E' } });
    expect(emu.tasks.get(READY)!.priority).toBe(3);
  });

  it('lists with offset and size as {identifier, items}', async () => {
    const res = await call('GET', '/rest/bpm/htm/v1/tasks/filter?offset=2&size=3');
    expect(res.json.identifier).toBe('TKIID');
    expect(res.json.items.map((t: { tkiid: string }) => t.tkiid)).toEqual(IBM_SEED_TASKS.slice(2, 5).map((t) => t.tkiid));
    expect((await call('GET', '/rest/bpm/htm/v1/tasks/filter')).json.items).toHaveLength(IBM_SEED_TASKS.length);
    expect((await call('GET', '/rest/bpm/htm/v1/tasks/filter?offset=-1')).status).toBe(400);
  });

  it('full success is 200 with an EMPTY body, not {}', async () => {
    const res = await call('PUT', '/rest/bpm/htm/v1/task?action=update', { body: update([READY, CLAIMED], { priority: 1, description: 'now' }) });
    expect([res.status, res.text, res.headers.get('content-length')]).toEqual([200, '', '0']);
    expect(emu.tasks.get(CLAIMED)).toMatchObject({ priority: 1, description: 'now' });
  });

  it('unknown ids are reported in failedUpdates, never a 404', async () => {
    const res = await call('PUT', '/rest/bpm/htm/v1/task?action=update', { body: update([READY, '_TKI:00ff', FINISHED, IBM_RESTRICTED_TKIID, 'x'], { priority: 2 }) });
    expect(res.status).toBe(200);
    expect(res.json.failedUpdates.map((f: { tkiid: string; errorNumber: string }) => [f.tkiid, f.errorNumber])).toEqual([
      ['_TKI:00ff', 'CWTKA0024E'], [FINISHED, 'CWTKA0007E'], [IBM_RESTRICTED_TKIID, 'CWTKA0012E'], ['x', 'CWTKA0001E']]);
    expect([emu.tasks.get(READY)!.priority, emu.tasks.get(FINISHED)!.priority]).toEqual([2, 5]);
  });

  it('missing or unknown action → 400 CWTBF error; ill-typed values → 400', async () => {
    expect(await call('PUT', '/rest/bpm/htm/v1/task', { body: update([READY], { priority: 1 }) })).toMatchObject({ status: 400, json: { errorNumber: 'CWTBF0004E' } });
    expect(await call('PUT', '/rest/bpm/htm/v1/task?action=explode', { body: update([READY], { priority: 1 }) })).toMatchObject({ status: 400, json: { errorNumber: 'CWTBF0005E' } });
    expect(await call('PUT', '/rest/bpm/htm/v1/task?action=update', { body: update([READY], { priority: 'high' }) })).toMatchObject({ status: 400, json: { errorMessageParameters: ['priority'] } });
    expect(emu.tasks.get(READY)!.priority).toBe(3);
  });

  it('tolerates the WPS 6.2 {type:{...}} wrapper and isBusinessRelevant', async () => {
    const res = await call('PUT', '/rest/bpm/htm/v1/task?action=update', { body: update([READY], { type: { priority: 4, isBusinessRelevant: false } }) });
    expect(res.status).toBe(200);
    expect(emu.tasks.get(READY)).toMatchObject({ priority: 4, businessRelevance: false, type: 'Approval' });
  });

  it.each([
    ['X-Method-Override header', '', { 'x-method-override': 'PUT' }],
    ['X-HTTP-Method-Override header', '', { 'x-http-method-override': 'PUT' }],
    ['x-method-override query', '&x-method-override=PUT', {}],
  ])('tunnels PUT through POST with the %s', async (_name, query, headers) => {
    const res = await call('POST', `/rest/bpm/htm/v1/task?action=update${query}`, { body: update([READY], { priority: 6 }), headers });
    expect(res.status).toBe(200);
    expect(emu.tasks.get(READY)!.priority).toBe(6);
  });

  it('a plain POST is not an update', async () => {
    expect((await call('POST', '/rest/bpm/htm/v1/task?action=update', { body: update([READY], { priority: 6 }) })).status).toBe(405);
    expect(emu.tasks.get(READY)!.priority).toBe(3);
  });

  it('bulk cancel and resume answer with failedOperations + description', async () => {
    const cancel = await call('PUT', '/rest/bpm/htm/v1/task?action=cancel', { body: { taskIDs: [CLAIMED, READY] } });
    expect(cancel.json).toEqual({ description: expect.any(String), failedOperations: [expect.objectContaining({ tkiid: READY, errorNumber: 'CWTKA0007E' })] });
    expect(emu.tasks.get(CLAIMED)).toMatchObject({ state: 'STATE_READY' });
    expect(emu.tasks.get(CLAIMED)).not.toHaveProperty('owner');
    const resume = await call('PUT', '/rest/bpm/htm/v1/task?action=resume', { body: { taskIDs: [SUSPENDED] } });
    expect([resume.status, resume.text]).toEqual([200, '']);
    expect(emu.tasks.get(SUSPENDED)!.suspended).toBe(false);
  });

  it('the foreign-id switch makes the next report name a tkiid that was not asked about, once', async () => {
    emu.reportForeignIdOnce();
    const first = await call('PUT', '/rest/bpm/htm/v1/task?action=update', { body: update([READY], { priority: 1 }) });
    expect(first.json).toEqual({ failedUpdates: [expect.objectContaining({ tkiid: IBM_FOREIGN_TKIID })] });
    expect(emu.tasks.get(READY)!.priority).toBe(1);
    expect((await call('PUT', '/rest/bpm/htm/v1/task?action=update', { body: update([READY], { priority: 2 }) })).text).toBe('');
  });
});
