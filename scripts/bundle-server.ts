// The last step of `npm run build`: joins the server's modules, as tsc emitted them to dist/, and the packages
// they load at start into dist/main.js (what `npm start` runs) and a few chunks in dist/chunks/ it shares with
// the modules the server imports only when they are used (the vendor emulators, the Redis stores, the job
// file parsers), which get chunks of their own there.
//
// Why: V8 keeps the source text of every module it loads, and Node a record per module. Loaded as ~1,200
// separate files with their comments, the server held 116 MB after start and ~147 MB after 200 reads; as
// one file without comments and indentation, 91–101 MB and ~130 MB, with no CPU cost per request (BENCHMARKS.md,
// "one file"). Whitespace only is minified: names stay, so a stack trace in the log still says which function
// failed; dist/main.js.map maps it back to src/ for an operator who runs `node --enable-source-maps`.
//
// tsc's own per-module output stays in dist/ beside it: the batch CLI (bin/taskhub-batch.js) runs it.
//   npx tsx scripts/bundle-server.ts   (after `tsc -p tsconfig.build.json`; `npm run build` runs both)

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * Packages left out of the bundle. All but the OpenTelemetry API are imported only on demand (`await import()`
 * behind a setting, or by a module that is), so as separate packages they cost nothing until then, and a test
 * can watch that they do not load at start. A package imported on demand but missing here is bundled into a
 * chunk: still loaded only on demand, only no longer visible to that test.
 */
export const EXTERNAL_PACKAGES = [
  'ioredis', 'bullmq', // TASKHUB_REDIS_URL
  // The OpenTelemetry API registers the SDK's providers on a global: one copy, the SDK's own, so a tracer made
  // before the SDK starts still reaches it. It is small, and loads at start.
  '@opentelemetry/api',
  '@opentelemetry/sdk-node', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/instrumentation-undici', // TASKHUB_OTEL_ENABLED
  'jose', // the first JWT to check
  'rate-limiter-flexible', // <BACKEND>_MAX_REQUESTS_PER_SECOND
  'csv-parse', // the first CSV job file
  '@graphql-yoga/render-graphiql', // the first GraphiQL page (9 MB of assets)
] as const;

/**
 * Modules replaced, for one importing package only, by a file of scripts/bundle-shims/ that says why: code a
 * package imports at its top but that taskhub never runs at start, or never at all. Elsewhere the real module
 * is bundled (src/schema/subgraph-sdl.ts imports @apollo/subgraph itself, on demand, into a chunk). A start-up
 * test (test/integration/startup.test.ts) checks, from the source maps, that neither loads at start.
 */
export const SHIMS = [
  { importer: '@pothos/plugin-federation', module: '@apollo/subgraph', shim: 'pothos-subgraph-printer.ts' },
  { importer: 'graphql-jit', module: 'fast-json-stringify', shim: 'no-fast-json-stringify.ts' },
] as const;

const shims: Plugin = {
  name: 'taskhub-shims',
  setup(b) {
    for (const { importer, module, shim } of SHIMS) {
      const exact = new RegExp(`^${module.replace(/[/.]/g, '\\$&')}$`);
      b.onResolve({ filter: exact }, (args) => (args.importer.includes(`/node_modules/${importer}/`)
        ? { path: fileURLToPath(new URL(`./bundle-shims/${shim}`, import.meta.url)) }
        : undefined));
    }
  },
};

/**
 * graphql as one ES module graph. Its package has a CommonJS build (`main`) and an ES module build (`module`,
 * `.mjs` beside each `.js`), and no `exports` map. esbuild takes `main` for Node, so each module of ours or of
 * a package that imports graphql got an interop copy of its ~400 exports as getters (44 copies: ~2.5 MB of
 * RSS after start, BENCHMARKS.md), and every call into graphql went through two getters. Every import of
 * graphql, bare or deep, `.js` or not, required or imported, goes to the `.mjs` file: one copy of each class,
 * so `instanceof GraphQLError` still holds across packages (graphql-jit imports graphql/error/index.js).
 */
const graphqlAsModules: Plugin = {
  name: 'graphql-as-modules',
  setup(b) {
    const root = dirname(createRequire(import.meta.url).resolve('graphql/package.json'));
    b.onResolve({ filter: /^graphql(\/.*)?$/ }, ({ path }) => {
      const sub = path.slice('graphql'.length).replace(/^\//, '').replace(/\.m?js$/, '');
      const file = join(root, sub);
      const mjs = existsSync(`${file}.mjs`) ? `${file}.mjs` : join(file, 'index.mjs');
      if (!existsSync(mjs)) throw new Error(`graphql-as-modules: no ES module for ${path}`);
      return { path: mjs };
    });
  },
};

/** The first line of the bundle: bundled CommonJS packages (undici, pino, prom-client) call require() for built-ins. */
const BANNER = "import { createRequire as __taskhubCreateRequire } from 'node:module'; const require = __taskhubCreateRequire(import.meta.url);";

export async function bundleServer(): Promise<void> {
  // tsc is not incremental here (tsconfig.build.json), so each build starts from its fresh dist/main.js; a
  // bundle as input would mean tsc did not run.
  if (readFileSync(`${dist}main.js`, 'utf8').startsWith(BANNER)) throw new Error('dist/main.js is already bundled: run tsc -p tsconfig.build.json first');
  // The chunks of earlier builds stay: a server still running from one loads its on-demand chunks by their
  // names (which carry a hash of their content) when first needed, after a rebuild too.
  await build({
    entryPoints: [`${dist}main.js`],
    outdir: dist,
    allowOverwrite: true,
    entryNames: '[name]',
    // Two levels under the project root, as dist/cli/ is: src/cli/schema.ts finds ../../schema/ from either.
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...EXTERNAL_PACKAGES],
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    banner: { js: BANNER },
    logLevel: 'warning',
    plugins: [shims, graphqlAsModules],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundleServer();
