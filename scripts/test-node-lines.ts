// Runs the README's test command again on the other Node.js lines users run: 22 and 24 unless majors are
// given, each at its newest release. The binaries are Node's official builds as the npm registry ships them
// (the node-<os>-<arch> packages that the `node` package installs), so CI needs no network but the registry.
//   npm run test:node-lines            # 22, then 24
//   npm run test:node-lines -- 24      # one line
// Downloads are kept under node_modules/.cache/node-lines, one folder per version.

import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const majors = process.argv.length > 2 ? process.argv.slice(2) : ['22', '24'];
const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const cache = resolve('node_modules/.cache/node-lines');
const onWindows = process.platform === 'win32';

/** Runs a command to its end and returns its stdout (unless `opts.stdio` sends that elsewhere); throws when it fails. */
function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], shell: onWindows, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  return r.stdout ? r.stdout.toString() : '';
}

/** The bin folder of the newest release of `major`, downloaded and unpacked once. */
function nodeBin(major: string): string {
  const found = JSON.parse(run('npm', ['view', `${pkg}@${major}`, 'version', '--json'])) as string | string[];
  const version = Array.isArray(found) ? found[found.length - 1] : found;
  if (!version) throw new Error(`the registry has no ${pkg}@${major}`);
  const dir = join(cache, version);
  const bin = join(dir, 'package', 'bin');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const [packed] = JSON.parse(run('npm', ['pack', `${pkg}@${version}`, '--pack-destination', cache, '--json'])) as Array<{ filename: string }>;
    run('tar', ['xzf', join(cache, packed!.filename), '-C', dir]);
    rmSync(join(cache, packed!.filename));
  }
  return bin;
}

const passed: string[] = [];
for (const major of majors) {
  const bin = nodeBin(major);
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
  const version = run(join(bin, 'node'), ['--version'], { env }).trim();
  console.log(`\n== npm test on Node ${version} ==`);
  run('npm', ['test'], { env, stdio: 'inherit' });
  passed.push(version);
}
console.log(`\nnpm test passed on Node ${passed.join(', ')}`);
