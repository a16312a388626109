// Imports every type file (each registers its types on the builder) and builds the schema once, as an
// Apollo Federation v2 subgraph: ordinary clients see the same API plus `_service` and `_entities`.

import { assertValidSchema } from 'graphql';
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { builder } from './builder.js';
import './task.js';
import './zuora.js';
import './ibm-bpm.js';
import './k2.js';
import './superoffice.js';
import './batch-update.js';
import { guardFederationFields, printSubgraphSdl } from './federation.js';
import { printPublicSdl } from './public-schema.js';

let sdl: string | undefined;

export const schema = guardFederationFields(
  builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  () => (sdl ??= printSdl()),
);
// Fail at start-up, not at the first query, if a type breaks the GraphQL rules.
assertValidSchema(schema);

/**
 * schema/subgraph.graphql, also what `_service { sdl }` answers: the subgraph schema as a gateway composes it
 * (with `@link` and `@key`, without `_service`/`_entities`), sorted, so diffs show real changes only.
 */
export function printSdl(): string {
  return `${printSubgraphSdl(schema)}\n`;
}

/**
 * schema/schema.graphql: the public API as plain GraphQL, for clients and schema tools, with the @defer and
 * @stream definitions the server adds (useDeferStream), so documents using them validate against the file.
 */
export function printClientSdl(): string {
  return printPublicSdl(schema, [GraphQLDeferDirective, GraphQLStreamDirective]);
}
