// The SchemaBuilder and its context type. Defines no types of its own besides the JSON scalar and the root
// types: each file in this folder, and each vendor's schema.ts, adds its own. A builder is created per
// schema build (src/schema/index.ts), so a schema can be built for any list of vendor modules.
// The directives and federation plugins let federation.ts mark the task types as entities, so the schema
// is served as an Apollo Federation v2 subgraph (see index.ts).

import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type { Context } from '../context.js';

export interface SchemaTypeConfig {
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    File: { Input: File; Output: never };
  };
}

export function createBuilder() {
  const builder = new SchemaBuilder<SchemaTypeConfig>({
    // Federation goes last: it must see resolvers as the other plugins leave them.
    plugins: [DirectivesPlugin, FederationPlugin],
    defaultFieldNullability: false,
  });

  builder.scalarType('JSON', {
    description: 'Free-form JSON as the vendor sent it (objects, arrays, strings, numbers, booleans or null).',
    serialize: (v) => v,
    parseValue: (v) => v,
  });

  builder.queryType({ description: 'Reads across every configured task backend.' });
  builder.mutationType({ description: 'Writes that fan out to the vendor backends.' });
  return builder;
}

export type Builder = ReturnType<typeof createBuilder>;
/** The resolved type configuration refs are parameterised with. */
export type SchemaTypes = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypeConfig>;
