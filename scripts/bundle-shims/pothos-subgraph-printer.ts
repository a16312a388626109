// What @pothos/plugin-federation gets for `@apollo/subgraph` in dist/main.js (scripts/bundle-server.ts).
//
// The plugin's toSubGraphSchema prints the subgraph SDL at every schema build, only to answer a `_service`
// resolver of its own, which guardFederationFields (src/schema/federation.ts) replaces with one that prints on
// the first `_service` query. Apollo's printer loads @apollo/federation-internals, ~870 KB of code, so the
// printing at start cost ~10 MB of RSS after start and ~7 MB after 200 reads (BENCHMARKS.md, "federation on
// demand") for a text nobody reads. The SDL printed here is never served: `_service` answers the real one
// (test/integration/built-server.test.ts checks it against schema/subgraph.graphql).

export function printSubgraphSchema(): string {
  return '';
}
