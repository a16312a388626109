// Builds the schema for a list of vendor modules (the registry's, or a test's) as an Apollo Federation v2
// subgraph: ordinary clients see the same API plus `_service` and `_entities`. A fresh builder per list:
// the shared types and queries (task.ts), each vendor's task type and update input (its schema.ts), the
// batch mutation and the federation entities, all from the list; nothing here names a vendor.

import { assertValidSchema } from 'graphql';
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { VENDORS } from '../vendors/index.js';
import type { AnyVendorModule } from '../vendors/vendor.js';
import type { Backend } from '../domain.js';
import { createBuilder } from './builder.js';
import { defineTaskTypes } from './task.js';
import { defineBatchUpdate } from './batch-update.js';
import { defineJobs } from './jobs.js';
import type { OtherNodeKind } from './task.js';
import type { VendorInput } from './batch-update.js';
import { defineEntities, guardFederationFields } from './federation.js';
import { printPublicSdl } from './public-schema.js';

const built = new WeakMap<readonly AnyVendorModule[], GraphQLSchema>();

/** The schema for `vendors`, built once per list. */
export function schemaFor(vendors: readonly AnyVendorModule[]): GraphQLSchema {
  let schema = built.get(vendors);
  if (!schema) built.set(vendors, (schema = buildSchema(vendors)));
  return schema;
}

function buildSchema(vendors: readonly AnyVendorModule[]): GraphQLSchema {
  const builder = createBuilder();
  const typeNames = new Map<Backend, string>();
  const otherNodes: OtherNodeKind[] = [];
  const { BackendEnum, TaskStatusEnum: _statuses, PageInfoRef, ...kit } = defineTaskTypes(builder, vendors, typeNames, otherNodes);
  const inputs: VendorInput[] = vendors.map((vendor) => {
    checkNames(vendor);
    const parts = vendor.schema({ builder, ...kit });
    typeNames.set(vendor.backend, parts.typeName);
    return { backend: vendor.backend, field: vendor.inputField, parts, writes: vendor.writes };
  });
  const batch = defineBatchUpdate(builder, BackendEnum, kit.TaskRef, inputs);
  defineJobs(builder, { NodeRef: kit.NodeRef, PageInfoRef }, batch, otherNodes);
  defineEntities(builder, kit.TaskRef, typeNames);

  let sdl: Promise<string> | undefined;
  const schema = guardFederationFields(
    builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
    () => (sdl ??= printSdl(schema)),
  );
  // Fail at start-up, not at the first query, if a type breaks the GraphQL rules.
  assertValidSchema(schema);
  return schema;
}

/**
 * The batch CLI reads only the SDL and pairs a @oneOf field with its Backend value by name: lower-cased,
 * the field is the backend without underscores (`fooBar` for FOO_BAR). A module breaking that is refused here.
 */
function checkNames({ backend, inputField }: AnyVendorModule): void {
  if (!/^[A-Z][A-Z0-9_]*$/.test(backend)) throw new Error(`vendor backend ${backend} must be upper case letters, digits and _`);
  if (inputField.toLowerCase() !== backend.replace(/_/g, '').toLowerCase()) {
    throw new Error(`vendor ${backend}: its input field must read ${backend.replace(/_/g, '').toLowerCase()} in any case; got ${inputField}`);
  }
}

/** The registered vendors' schema, served by default. */
export const schema = schemaFor(VENDORS);

/**
 * schema/subgraph.graphql, also what `_service { sdl }` answers: the subgraph schema as a gateway composes it
 * (with `@link` and `@key`, without `_service`/`_entities`), sorted, so diffs show real changes only.
 */
export async function printSdl(of: GraphQLSchema = schema): Promise<string> {
  const { printSubgraphSdl } = await import('./subgraph-sdl.js');
  return `${printSubgraphSdl(of)}\n`;
}

/**
 * schema/schema.graphql: the public API as plain GraphQL, for clients and schema tools, with the @defer and
 * @stream definitions the server adds (useDeferStream), so documents using them validate against the file.
 */
export function printClientSdl(of: GraphQLSchema = schema): string {
  return printPublicSdl(of, [GraphQLDeferDirective, GraphQLStreamDirective]);
}
