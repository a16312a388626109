// The committed files for tools, each printed from the code: what `npm run schema:print` writes and what
// the drift test (test/unit/schema-files.test.ts) compares.
//   schema/schema.graphql       the public API as plain GraphQL (buildSchema, graphql-inspector, codegen)
//   schema/subgraph.graphql     the Apollo Federation v2 subgraph SDL, with @link/@key (gateways)
//   schema/possible-types.json  every interface and union -> its members (client caches), in the output
//                               format of @graphql-codegen/fragment-matcher

import { buildSchema } from 'graphql';
import { plugin as fragmentMatcher } from '@graphql-codegen/fragment-matcher';
import { printClientSdl, printSdl } from '../src/schema/index.js';

export async function schemaFiles(): Promise<Record<string, string>> {
  const plain = printClientSdl();
  const possibleTypes = await fragmentMatcher(buildSchema(plain), [], { deterministic: true, apolloClientVersion: 3 },
    { outputFile: 'schema/possible-types.json' });
  return {
    'schema/schema.graphql': plain,
    'schema/subgraph.graphql': await printSdl(),
    'schema/possible-types.json': `${String(possibleTypes)}\n`,
  };
}
