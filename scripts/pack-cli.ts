// Builds the standalone taskhub-batch package in packages/taskhub-batch/ and packs it with `npm pack`:
// src/cli (with the typed documents it uses) bundled by esbuild into one ESM file, so the tarball has no
// dependencies and installs without a registry (`npm install -g --offline ./taskhub-batch-<v>.tgz`), plus
// the plain schema the CLI checks input lines against. No server code is reachable from src/cli/main.ts.
//   npx tsx scripts/pack-cli.ts [destination dir]   (default: packages/taskhub-batch/)

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const pkgDir = `${root}packages/taskhub-batch/`;

/** Builds the package and packs it into `destination`; returns the tarball's path. */
export async function packCli(destination = pkgDir): Promise<string> {
  rmSync(`${pkgDir}dist`, { recursive: true, force: true });
  rmSync(`${pkgDir}schema`, { recursive: true, force: true });
  await build({
    entryPoints: [`${root}src/cli/main.ts`],
    // Same depth as in the repository (dist/cli/main.js), so the CLI finds ../../schema/schema.graphql.
    outfile: `${pkgDir}dist/cli/main.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'inline',
    logLevel: 'warning',
    // Bundled CommonJS dependencies (undici, cli-progress) call require() for Node built-ins.
    banner: { js: "import { createRequire as __taskhubCreateRequire } from 'node:module'; const require = __taskhubCreateRequire(import.meta.url);" },
  });
  mkdirSync(`${pkgDir}schema`, { recursive: true });
  copyFileSync(`${root}schema/schema.graphql`, `${pkgDir}schema/schema.graphql`);
  mkdirSync(destination, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: pkgDir, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  return `${destination.replace(/\/?$/, '/')}${filename}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const tarball = await packCli(process.argv[2] ?? pkgDir);
  const { version } = JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8')) as { version: string };
  console.log(`packed taskhub-batch ${version}: ${tarball}`);
}
