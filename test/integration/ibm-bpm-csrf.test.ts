// IBM BPM 8.5.7+ and BAW with CSRF protection on: every REST call needs a BPMCSRFToken header from
// POST /bpm/system/login, and a missing or expired token is 403 CWTBG0651E (vendors.md §2.2). The emulator
// enforces it when asked; the client needs no setting: it fetches a token when IBM first refuses, sends the
// call again, and renews the token when it is refused again. A server without the protection is never asked.

import { describe, expect, it } from 'vitest';
import { applyUpdates } from '../../src/batch/apply.js';
import { IBM_SEED_TASKS } from '../../src/vendors/ibm-bpm/emulator.js';
import { useIbmBpm } from '../support/ibm-bpm.js';

const { setup } = useIbmBpm();
const READY = IBM_SEED_TASKS[0]!.tkiid;
const CLAIMED = IBM_SEED_TASKS[1]!.tkiid;
const logins = (emu: { server: { count(method: string, path?: RegExp): number } }) => emu.server.count('POST', /\/bpm\/system\/login$/);

describe('IBM BPM with CSRF protection', () => {
  it('reads and writes: one login, then the token on every call', async () => {
    const { emu, client } = await setup({ csrf: true });
    const [read] = await client.getTasks([READY]);
    expect(read).toMatchObject({ nativeId: READY });
    const [outcome] = await applyUpdates(client, [{ id: CLAIMED, priority: 2 }]);
    expect(outcome).toMatchObject({ kind: 'UPDATED' });
    expect(emu.tasks.get(CLAIMED)?.priority).toBe(2);
    expect(logins(emu)).toBe(1);
    // After the first refusal, every call carried the token.
    const rest = emu.server.requests.filter((r) => r.path.startsWith('/rest/'));
    expect(rest.filter((r) => r.headers['bpmcsrftoken'] === undefined)).toHaveLength(1);
  });

  it('calls refused together wait for one login', async () => {
    const { emu, client } = await setup({ csrf: true });
    const reads = await client.getTasks(IBM_SEED_TASKS.slice(0, 6).map((t) => t.tkiid));
    expect(reads.every((r) => r !== null && !(r instanceof Error))).toBe(true);
    expect(logins(emu)).toBe(1);
  });

  it('a caller that goes away while the login runs does not fail the others waiting for it', async () => {
    const { emu, client } = await setup({ csrf: true });
    emu.server.addFault({ method: 'POST', path: /\/bpm\/system\/login$/, fault: { kind: 'delay', ms: 400 } });
    const [gone, waiting] = await Promise.all([
      client.getTasks([READY], AbortSignal.timeout(150)),
      // Refused after the first caller's login has started: it waits for that login.
      new Promise((r) => setTimeout(r, 50)).then(() => client.getTasks([CLAIMED])),
    ]);
    expect(gone[0]).toBeInstanceOf(Error);
    expect(waiting[0]).toMatchObject({ nativeId: CLAIMED });
    expect(logins(emu)).toBe(1);
  });

  it('an expired token is renewed and the refused write sent again, applied once', async () => {
    const { emu, client } = await setup({ csrf: true });
    await client.getTasks([READY]);
    emu.expireCsrfTokens();
    const [outcome] = await applyUpdates(client, [{ id: CLAIMED, description: 'after renewal' }]);
    expect(outcome).toMatchObject({ kind: 'UPDATED' });
    expect(emu.tasks.get(CLAIMED)?.description).toBe('after renewal');
    expect(logins(emu)).toBe(2);
    expect(emu.server.count('PUT')).toBe(2); // the refused one, and the one carried out
  });

  it('a login IBM refuses is an error for the call, never a success', async () => {
    const { emu, client } = await setup({ csrf: true });
    emu.server.addFault({ method: 'POST', path: /\/bpm\/system\/login$/, fault: { kind: 'status', status: 401, body: { errorMessage: 'not authorized' } } });
    const [outcome] = await applyUpdates(client, [{ id: CLAIMED, description: 'never' }]);
    expect(outcome).toMatchObject({ kind: 'ERROR', code: 'BACKEND_AUTH_FAILED' });
    expect(emu.tasks.get(CLAIMED)?.description).not.toBe('never');
  });

  it('a login that fails otherwise leaves the refused write BACKEND_UNAVAILABLE, retryable: it was not carried out', async () => {
    const { emu, client } = await setup({ csrf: true });
    emu.server.addFault({ method: 'POST', path: /\/bpm\/system\/login$/, fault: { kind: 'reset' }, times: 10 });
    const [outcome] = await applyUpdates(client, [{ id: CLAIMED, description: 'never' }]);
    expect(outcome).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true, message: expect.stringMatching(/not carried out/) });
    expect(emu.tasks.get(CLAIMED)?.description).not.toBe('never');
  });

  it('without the protection, no token is asked for', async () => {
    const { emu, client } = await setup();
    await client.getTasks([READY]);
    await applyUpdates(client, [{ id: CLAIMED, priority: 4 }]);
    expect(logins(emu)).toBe(0);
    expect(emu.server.requests.some((r) => r.headers['bpmcsrftoken'] !== undefined)).toBe(false);
  });
});
