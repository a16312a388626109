// ZuoraClient.applyUpdates against the emulator over real loopback HTTP: outcomes AND the vendor's store.
import { applyUpdates, sendValidated } from '../../src/batch/apply.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateOutcome } from '../../src/domain.js';
import type { ZuoraTaskUpdate } from '../../src/vendors/zuora/model.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import type { FaultKind } from '../../src/vendors/emulator-kit.js';
import { ZuoraClient } from '../../src/vendors/zuora/client.js';
import { ZUORA_DEMO_CREDENTIALS, startZuoraEmulator } from '../../src/vendors/zuora/emulator.js';
import type { ZuoraEmulator } from '../../src/vendors/zuora/emulator.js';

const policy = { ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 1000, totalTimeoutMs: 3000, breakerFailureThreshold: 1000 };
const PUT_PATH = /^\/workflows\/tasks\/batch_update$/;

let emu: ZuoraEmulator;
let zuora: ZuoraClient;
beforeEach(async () => {
  emu = await startZuoraEmulator({ host: '127.0.0.1', port: 0, extraTasks: 150 }); // ids 2771..2932
  zuora = new ZuoraClient({ baseUrl: emu.server.url, policy, ...ZUORA_DEMO_CREDENTIALS });
});
afterEach(async () => {
  await zuora.close();
  await emu.close();
});

const rename = (ids: number[], name = 'renamed'): ZuoraTaskUpdate[] => ids.map((id) => ({ id: String(id), name }));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const puts = () => emu.server.requests.filter((r) => r.method === 'PUT' && PUT_PATH.test(r.path));
const putIds = () => puts().map((r) => (JSON.parse(r.body) as { data: Array<{ id: number }> }).data.map((d) => d.id));
const kinds = (outcomes: UpdateOutcome[]) => outcomes.map((o) => (o.kind === 'ERROR' ? o.code : o.kind));
const names = (ids: number[]) => ids.map((id) => emu.tasks.get(id)?.name);

describe('applying', () => {
  it('an empty list needs no call', async () => {
    expect(await applyUpdates(zuora, [])).toEqual([]);
    expect(emu.server.requests).toHaveLength(0);
  });

  it('sends snake_case items with int ids and only the given fields; UPDATED carries the returned task', async () => {
    const outcomes = await applyUpdates(zuora, [
      { id: '2779', status: 'Stopped', concurrentLimit: 3 },
      { id: '2780', tags: ['billing', 'urgent'], objectId: 'INV-0042', workflowId: 600 },
    ]);
    expect(puts()[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(puts()[0]!.headers['accept-encoding']).toMatch(/\bgzip\b/);
    expect(JSON.parse(puts()[0]!.body)).toEqual({ data: [
      { id: 2779, status: 'Stopped', concurrent_limit: 3 },
      { id: 2780, tags: ['billing', 'urgent'], object_id: 'INV-0042', workflow_id: 600 },
    ] });
    expect(outcomes).toMatchObject([
      { kind: 'UPDATED', task: { nativeId: '2779', status: 'CANCELLED', vendorStatus: 'Stopped', concurrentLimit: 3, name: 'Generate invoice PDFs' } },
      { kind: 'UPDATED', task: { nativeId: '2780', tags: ['billing', 'urgent'], objectId: 'INV-0042', workflowId: 600 } },
    ]);
    expect(emu.tasks.get(2779)).toMatchObject({ status: 'Stopped', concurrent_limit: 3, name: 'Generate invoice PDFs' });
    expect(emu.tasks.get(2780)).toMatchObject({ tags: ['billing', 'urgent'], object_id: 'INV-0042', workflow_id: 600 });
  });

  it('120 items go out as 3 calls of at most 50, all applied', async () => {
    const ids = range(2800, 120);
    const outcomes = await applyUpdates(zuora, rename(ids, 'bulk'));
    expect(kinds(outcomes)).toEqual(ids.map(() => 'UPDATED'));
    expect(puts()).toHaveLength(3);
    expect(Math.max(...putIds().map((c) => c.length))).toBeLessThanOrEqual(50);
    expect(putIds().flat().sort()).toEqual(ids);
    expect(names(ids)).toEqual(ids.map(() => 'bulk'));
  });

  it('a 400 rejects only its own chunk, with the vendor title and code', async () => {
    const updates = rename(range(2800, 60), 'chunked');
    updates[55] = { id: '2855', concurrentLimit: 0 }; // the engine validates first; here Zuora is the one refusing
    const outcomes = await sendValidated(zuora, updates);
    expect(kinds(outcomes.slice(0, 50))).toEqual(range(0, 50).map(() => 'UPDATED'));
    for (const o of outcomes.slice(50)) {
      expect(o).toMatchObject({ kind: 'ERROR', code: 'REJECTED', vendorCode: 'invalid', retryable: false });
      expect((o as { message: string }).message).toContain('concurrent_limit');
    }
    expect(names(range(2800, 50))).toEqual(range(0, 50).map(() => 'chunked'));
    expect(names(range(2850, 10)).includes('chunked')).toBe(false);
  });
});

describe('unknown ids', () => {
  const mixed = rename([2771, 999001, 2772, 999002], 'mixed');

  it('batch404: finds the unknown ids, resends the rest once, applies them', async () => {
    emu.unknownIdMode = 'batch404';
    const outcomes = await applyUpdates(zuora, mixed);
    expect(kinds(outcomes)).toEqual(['UPDATED', 'NOT_FOUND', 'UPDATED', 'NOT_FOUND']);
    expect(outcomes[1]).toMatchObject({ retryable: false });
    expect(putIds()).toEqual([[2771, 999001, 2772, 999002], [2771, 2772]]);
    expect(names([2771, 2772])).toEqual(['mixed', 'mixed']);
    expect(emu.tasks.has(999001)).toBe(false);
  });

  it('partial200: ids left out of the reply are checked, not assumed applied', async () => {
    emu.unknownIdMode = 'partial200';
    const outcomes = await applyUpdates(zuora, mixed);
    expect(kinds(outcomes)).toEqual(['UPDATED', 'NOT_FOUND', 'UPDATED', 'NOT_FOUND']);
    expect(puts()).toHaveLength(1);
    expect(emu.server.count('GET', /^\/workflows\/tasks\/99900[12]$/)).toBe(2);
    expect(names([2771, 2772])).toEqual(['mixed', 'mixed']);
  });

  // The GET finds the task and the PUT refuses it: Zuora refused this change, whatever its 404 says, so it
  // is REJECTED, never NOT_FOUND for a task a read has just found.
  it('a resend that still 404s is bisected: valid items applied, only the culprit REJECTED', async () => {
    // A GET that claims 999003 exists makes the first resend fail too.
    emu.server.addFault({ method: 'GET', path: /^\/workflows\/tasks\/999003$/,
      fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 999003, status: 'Queued' }) } });
    const ids = [2771, 2772, 2773, 999003, 2774, 2775];
    const outcomes = await applyUpdates(zuora, rename(ids, 'bisected'));
    expect(kinds(outcomes)).toEqual(['UPDATED', 'UPDATED', 'UPDATED', 'REJECTED', 'UPDATED', 'UPDATED']);
    expect(outcomes[3]).toMatchObject({ retryable: false, message: expect.stringMatching(/999003 with HTTP 404 although it finds the task/) });
    expect(names(ids.filter((id) => id !== 999003))).toEqual(range(0, 5).map(() => 'bisected'));
    expect(puts().length).toBeGreaterThan(2);
  });

  it('an id whose check fails gets BACKEND_UNAVAILABLE; the others are still applied', async () => {
    emu.server.addFault({ method: 'GET', path: /^\/workflows\/tasks\/999004$/, fault: { kind: 'status', status: 500 } });
    const outcomes = await applyUpdates(zuora, rename([2771, 999004, 2772], 'probe'));
    expect(outcomes[1]).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(kinds(outcomes)).toEqual(['UPDATED', 'BACKEND_UNAVAILABLE', 'UPDATED']);
    expect(names([2771, 2772])).toEqual(['probe', 'probe']);
  });

  it('a 200 that leaves out an existing id: OUTCOME_UNKNOWN (retryable); matched by id, extra entries ignored', async () => {
    const reply = { data: [{ id: 2779, name: 'not asked' }, { id: 2772, name: 'from reply' }], pagination: { page: null, page_length: null } };
    emu.server.addFault({ method: 'PUT', path: PUT_PATH, fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply) } });
    const outcomes = await applyUpdates(zuora, rename([2771, 2772], 'asked'));
    expect(outcomes[0]).toMatchObject({ kind: 'ERROR', code: 'OUTCOME_UNKNOWN', retryable: true });
    expect(outcomes[1]).toMatchObject({ kind: 'UPDATED', task: { nativeId: '2772', name: 'from reply' } });
    expect(outcomes).toHaveLength(2);
  });
});

describe('auth on writes', () => {
  it('a revoked token: new token, one resend, applied', async () => {
    await zuora.ping();
    emu.revokeTokens();
    expect(kinds(await applyUpdates(zuora, rename([2771], 'after 401'))).at(0)).toBe('UPDATED');
    expect(puts()).toHaveLength(2);
    expect(emu.tokensIssued).toBe(2);
    expect(names([2771])).toEqual(['after 401']);
  });

  it('401 twice: BACKEND_AUTH_FAILED and nothing applied', async () => {
    emu.server.addFault({ method: 'PUT', path: PUT_PATH, fault: { kind: 'status', status: 401 } });
    const outcomes = await applyUpdates(zuora, rename([2771, 2772], 'never'));
    expect(kinds(outcomes)).toEqual(['BACKEND_AUTH_FAILED', 'BACKEND_AUTH_FAILED']);
    expect(puts()).toHaveLength(2);
    expect(names([2771, 2772])).not.toContain('never');
  });
});

describe('faults: one outcome per item, nothing unconfirmed is UPDATED', () => {
  const ids = [2771, 2772, 2773];
  const withFault = async (fault: FaultKind, times?: number) => {
    emu.server.addFault({ method: 'PUT', path: PUT_PATH, fault, ...(times === undefined ? {} : { times }) });
    return applyUpdates(zuora, rename(ids, 'faulted'));
  };

  it('403: PERMISSION_DENIED, nothing applied', async () => {
    const outcomes = await withFault({ kind: 'status', status: 403, body: { Errors: [{ code: 'forbidden', status: '403', title: 'No Workflow Manage Access' }] } });
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) expect(o).toMatchObject({ code: 'PERMISSION_DENIED', vendorCode: 'forbidden', retryable: false });
    expect(names(ids)).not.toContain('faulted');
  });

  it('500 every time: BACKEND_UNAVAILABLE (retryable) after the idempotent retries, nothing applied', async () => {
    const outcomes = await withFault({ kind: 'status', status: 500 });
    expect(kinds(outcomes)).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE']);
    expect(outcomes.every((o) => o.kind === 'ERROR' && o.retryable)).toBe(true);
    expect(puts()).toHaveLength(1 + policy.maxRetries);
    expect(names(ids)).not.toContain('faulted');
  });

  it('one 500 then success: the PUT is retried and applied', async () => {
    expect(kinds(await withFault({ kind: 'status', status: 500 }, 1))).toEqual(['UPDATED', 'UPDATED', 'UPDATED']);
    expect(names(ids)).toEqual(['faulted', 'faulted', 'faulted']);
  });

  it('connection reset: BACKEND_UNAVAILABLE, nothing applied', async () => {
    expect(kinds(await withFault({ kind: 'reset' }))).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE']);
    expect(names(ids)).not.toContain('faulted');
  });

  it('garbage 200 body: no item is UPDATED', async () => {
    const outcomes = await withFault({ kind: 'garbage' });
    expect(kinds(outcomes)).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
  });

  it('truncated reply although Zuora applied it: no item is UPDATED', async () => {
    const outcomes = await withFault({ kind: 'truncate' });
    expect(outcomes).toHaveLength(3);
    expect(kinds(outcomes)).not.toContain('UPDATED');
    expect(names(ids)).toEqual(['faulted', 'faulted', 'faulted']); // applied vendor-side, yet not claimed
  });

  it('reply lost after applying: no item is UPDATED', async () => {
    expect(kinds(await withFault({ kind: 'reset-after-handling' }))).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE']);
  });

  it('vendor gone: every item BACKEND_UNAVAILABLE', async () => {
    await zuora.ping();
    await emu.close();
    const outcomes = await applyUpdates(zuora, rename(range(2800, 70), 'gone'));
    expect(outcomes).toHaveLength(70);
    expect(new Set(kinds(outcomes))).toEqual(new Set(['BACKEND_UNAVAILABLE']));
  });
});
