// Issue 9 item 11d: a backend unreachable at start logs one line when it first fails and one per circuit
// state change (with its cause), not a stack trace for every readiness ping.

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';
import { Readiness } from '../../src/readiness.js';
import { Registry } from '../../src/registry.js';
import { SuperOfficeClient } from '../../src/vendors/superoffice/client.js';
import { superOffice } from '../../src/vendors/superoffice/index.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { withBreakerLog } from '../../src/transport/breaker-log.js';

describe('a backend unreachable at start', () => {
  it('logs its first failure and the circuit opening, each once, without stack traces', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(JSON.parse(String(chunk))); cb(); } });
    const logger = createLogger({ level: 'info', redact: createRedactor([]), destination: sink });
    const client = new SuperOfficeClient({
      baseUrl: 'http://127.0.0.1:1/Cust1', token: 't',
      policy: { ...DEFAULT_TRAFFIC_POLICY, maxRetries: 0, breakerFailureThreshold: 2, breakerResetMs: 60_000 },
      observer: withBreakerLog({}, logger),
    });
    let pings = 0;
    const ping = client.ping.bind(client);
    client.ping = (signal) => { pings++; return ping(signal); };
    const readiness = new Readiness(new Registry([superOffice], [client]), logger, 5);
    try {
      await readiness.start();
      while (pings < 8) await new Promise((r) => setTimeout(r, 5));
    } finally {
      readiness.beginShutdown();
      await client.close();
    }
    const warnings = lines.filter((l) => (l.level as number) >= 40).map((l) => l.msg);
    expect(warnings).toEqual(['backend not answering yet', 'SUPEROFFICE circuit open after: connection refused']);
    expect(lines.find((l) => l.msg === 'SUPEROFFICE circuit open after: connection refused')).toMatchObject({ cause: 'ECONNREFUSED' });
    expect(JSON.stringify(lines)).not.toContain('"stack"');
  });
});
