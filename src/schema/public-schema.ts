// The public API as plain GraphQL: the served schema without what Apollo Federation adds for gateways
// (`_service`, `_entities`, `_Any`, `_Entity`, `_Service`, `@link`, `@key`). This is what clients and schema
// tools (graphql-js buildSchema, graphql-inspector, codegen, client caches) read; the subgraph SDL with its
// directives is printed separately for gateways (federation.ts).

import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema, specifiedDirectives } from 'graphql';
import type { GraphQLDirective, GraphQLNamedType } from 'graphql';

const FEDERATION_TYPES = new Set(['_Any', '_Entity', '_Service']);
const FEDERATION_QUERY_FIELDS = new Set(['_entities', '_service']);

/**
 * `schema` minus the federation types, Query fields and directive definitions. `extraDirectives` are
 * executable directives the server adds at run time (e.g. @defer and @stream), so documents using them
 * validate against the file as they do against the server.
 */
export function publicSchema(schema: GraphQLSchema, extraDirectives: readonly GraphQLDirective[] = []): GraphQLSchema {
  const config = schema.toConfig();
  const query = schema.getQueryType();
  if (!query) throw new Error('the schema has no Query type');
  const queryConfig = query.toConfig();
  const publicQuery = new GraphQLObjectType({
    ...queryConfig,
    fields: Object.fromEntries(Object.entries(queryConfig.fields).filter(([name]) => !FEDERATION_QUERY_FIELDS.has(name))),
  });
  const keep = (t: GraphQLNamedType) => !FEDERATION_TYPES.has(t.name) && t !== query;
  return new GraphQLSchema({
    ...config,
    query: publicQuery,
    types: [publicQuery, ...config.types.filter(keep)],
    directives: [...specifiedDirectives, ...extraDirectives],
    astNode: undefined,
    extensionASTNodes: [],
  });
}

/** The plain SDL, sorted so diffs show real changes only. */
export function printPublicSdl(schema: GraphQLSchema, extraDirectives: readonly GraphQLDirective[] = []): string {
  return `${printSchema(lexicographicSortSchema(publicSchema(schema, extraDirectives)))}\n`;
}
