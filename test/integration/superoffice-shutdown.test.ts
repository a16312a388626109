// Issue 9 item 8a: SuperOffice PUTs cut off by the shutdown abort. A PUT that was sent may have been applied
// (OUTCOME_UNKNOWN, not retryable); one still waiting for a write slot was never sent (BACKEND_UNAVAILABLE,
// retryable). The signal is the one the server aborts when the shutdown deadline passes.

import { describe, expect, it } from 'vitest';
import { applyUpdates } from '../../src/batch/apply.js';
import type { SuperOfficeTaskUpdate } from '../../src/vendors/superoffice/model.js';
import { useSuperOffice } from '../support/superoffice.js';

const { setup } = useSuperOffice();
const all4 = (id: number): SuperOfficeTaskUpdate =>
  ({ id: String(id), state: 'Started', description: `cut ${id}`, response: `r${id}`, request: `q${id}` });

describe('SuperOffice writes at shutdown', () => {
  it('sent and cut off: OUTCOME_UNKNOWN; never sent: BACKEND_UNAVAILABLE with retryable true', async () => {
    const { emu, client } = await setup({}, { writeConcurrency: 2 });
    emu.server.addFault({ method: 'PUT', fault: { kind: 'delay', ms: 400 } });
    const shutdown = new AbortController();
    const outcomes = applyUpdates(client, [101, 102, 103, 104, 105].map(all4), { signal: shutdown.signal });
    while (emu.server.count('PUT') < 2) await new Promise((r) => setTimeout(r, 5));
    shutdown.abort(new Error('shutting down'));
    const [a, b, ...rest] = await outcomes;
    for (const o of [a, b]) expect(o).toMatchObject({ kind: 'ERROR', code: 'OUTCOME_UNKNOWN', retryable: false });
    for (const o of rest) expect(o).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(emu.server.count('PUT')).toBe(2);
  });
});
