// What graphql-jit gets for `fast-json-stringify` in dist/main.js (scripts/bundle-server.ts).
//
// graphql-jit imports it at its top, and calls it only under its `customJSONSerializer` option, which
// src/plugins/use-compiled-queries.ts leaves off (Yoga serialises the result). Bundled, the package and what
// it loads (ajv, ajv-formats, fast-uri: ~470 KB of code) would be parsed at every start for nothing. Should
// graphql-jit ever call it without that option, every compiled query fails loudly here, and the built-server
// tests with it.

export default function fastJsonStringify(): never {
  throw new Error('fast-json-stringify is left out of dist/main.js: taskhub does not use graphql-jit\'s customJSONSerializer (scripts/bundle-server.ts)');
}
