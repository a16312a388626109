// The SchemaBuilder and its context type. Defines no types: each file in this folder adds its own.
// The directives and federation plugins let federation.ts mark the task types as entities, so the schema
// is served as an Apollo Federation v2 subgraph (see index.ts).

import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import type { Context } from '../context.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    File: { Input: File; Output: never };
  };
}>({
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
