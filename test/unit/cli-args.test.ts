// taskhub-batch's command line: defaults as documented, env fallbacks, and a usage error (exit 2) that
// names the option for everything it cannot use.

import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/args.js';
import { columnsHelp } from '../../src/cli/columns.js';
import { VENDORS } from '../../src/cli/schema.js';

const options = (argv: string[], env: Record<string, string> = {}) => {
  const c = parseCommand(argv, env);
  if (c.kind !== 'run') throw new Error(`expected a run, got ${c.kind}`);
  return c.options;
};

describe('parseCommand', () => {
  // No chunkSize: the run takes the one recorded in a resumed results file, else DEFAULT_CHUNK_SIZE (500).
  it('has the documented defaults', () => {
    expect(options(['in.jsonl'])).toEqual({
      input: 'in.jsonl', format: undefined, url: 'http://127.0.0.1:4000/graphql', resume: false, dryRun: false,
      concurrency: 2, retries: 3, retryDelayMs: 1000, timeoutMs: 300_000, progress: 'auto', progressIntervalMs: 5000,
    });
  });

  it('takes the API key and URL from the environment, the flags winning', () => {
    expect(options(['in.csv'], { TASKHUB_API_KEY: 'k'.repeat(20), TASKHUB_URL: 'https://taskhub.example.com/graphql' }))
      .toMatchObject({ apiKey: 'k'.repeat(20), url: 'https://taskhub.example.com/graphql' });
    expect(options(['in.csv', '--api-key', 'flag-key', '--url', 'http://h:1/graphql'], { TASKHUB_API_KEY: 'env-key' }))
      .toMatchObject({ apiKey: 'flag-key', url: 'http://h:1/graphql' });
  });

  it('reads every option', () => {
    expect(options(['in.txt', '--format', 'csv', '--out', 'o.jsonl', '--resume', '--chunk-size', '1000', '--concurrency', '4',
      '--retries', '0', '--retry-delay-ms', '5', '--timeout-ms', '2000', '--progress', 'lines', '--progress-interval-ms', '0']))
      .toEqual({ input: 'in.txt', format: 'csv', url: 'http://127.0.0.1:4000/graphql', out: 'o.jsonl', resume: true, dryRun: false,
        chunkSize: 1000, concurrency: 4, retries: 0, retryDelayMs: 5, timeoutMs: 2000, progress: 'lines', progressIntervalMs: 0 });
  });

  it.each([
    [[], /an input file is required/],
    [['a.jsonl', 'b.jsonl'], /one input file, please; got 2/],
    [['a.jsonl', '--chunk-size', '1001'], /--chunk-size must be a whole number from 1 to 1000; got '1001'/],
    [['a.jsonl', '--chunk-size', '2.5'], /--chunk-size must be a whole number/],
    [['a.jsonl', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 16/],
    [['a.jsonl', '--resume'], /--resume needs --out/],
    [['a.jsonl', '--out', 'o', '--resume', '--dry-run'], /--resume and --dry-run do not mix/],
    [['a.jsonl', '--progress', 'fancy'], /--progress must be one of auto, bar, lines, none/],
    [['a.jsonl', '--url', 'ftp://x/graphql'], /--url must be an http\(s\) URL/],
    [['a.jsonl', '--colour'], /Unknown option '--colour'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(message);
  });

  it('answers --help and --columns without an input file', () => {
    expect(parseCommand(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommand(['-h'], {})).toEqual({ kind: 'help' });
    expect(parseCommand(['--columns'], {})).toEqual({ kind: 'columns' });
  });
});

describe('--columns', () => {
  it('lists every writable field of every backend, from the schema', () => {
    const text = columnsHelp();
    for (const v of VENDORS) {
      expect(text).toContain(`${v.backend} (${v.inputType}); id → ${v.idField}`);
      for (const f of v.fields) if (f.name !== v.idField) expect(text).toMatch(new RegExp(`^  ${f.name} `, 'm'));
    }
    expect(text).toContain('ZuoraTaskStatus: Error | Pending | Processing | Queued | Stopped | Success');
  });
});
