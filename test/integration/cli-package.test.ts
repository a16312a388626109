// The CLI on a machine without the repository: `scripts/pack-cli.ts` packs packages/taskhub-batch, the
// tarball is installed with `npm install -g --offline` into a temporary prefix (with an empty npm cache, so
// nothing can come from a registry or from this repository's node_modules), and the installed command runs,
// from a directory outside the repository, against a live taskhub on a port.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packCli } from '../../scripts/pack-cli.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const run = promisify(execFile);
const KEY = 'package-test-key-0123456789abcdef';

let dir: string;
let tarball: string;
let bin: string;
let h: Harness;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taskhub-cli-package-'));
  tarball = await packCli(join(dir, 'pack'));
  const prefix = join(dir, 'prefix');
  await run('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, '--cache', join(dir, 'npm-cache'), tarball], { cwd: dir });
  bin = join(prefix, 'bin', 'taskhub-batch');
  h = await startHarness({ env: { TASKHUB_API_KEYS: KEY } });
  url = `${await h.listen()}/graphql`;
}, 180_000);
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('taskhub-batch as a packed tarball', () => {
  it('carries only the client: its bin, one bundled file, the plain schema; no dependencies, no server code', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual([
      'package/README.md', 'package/bin/taskhub-batch.js', 'package/dist/cli/main.js', 'package/package.json', 'package/schema/schema.graphql',
    ]);
    const installed = join(dir, 'prefix', 'lib', 'node_modules', 'taskhub-batch');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies']).toBeUndefined();
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    const bundle = readFileSync(join(installed, 'dist', 'cli', 'main.js'), 'utf8');
    for (const serverOnly of ['createYoga', '@pothos', 'fast-xml-parser', 'K2Services']) expect(bundle).not.toContain(serverOnly);
  });

  it('installs offline and runs from outside the repository against a live server', async () => {
    const help = await run(bin, ['--help'], { cwd: dir });
    expect(help.stdout).toMatch(/^Usage: taskhub-batch /);

    const input = join(dir, 'updates.jsonl');
    writeFileSync(input, `${JSON.stringify({ zuora: { id: '2772', name: 'from the package' } })}\n`);
    const env = { ...process.env, TASKHUB_API_KEY: KEY, NODE_PATH: '' };
    const done = await run(bin, [input, '--url', url], { cwd: dir, env });
    const records = done.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { outcome: string; line: number });
    expect(records).toMatchObject([{ line: 1, outcome: 'TaskUpdated' }]);
    expect(h.vendors.zuora.tasks.get(2772)!.name).toBe('from the package');
  });
});
