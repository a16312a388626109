// The SchemaBuilder and its context type. Defines no types: each file in this folder adds its own.

import SchemaBuilder from '@pothos/core';
import type { Context } from '../context.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  defaultFieldNullability: false,
});

builder.scalarType('JSON', {
  description: 'Free-form JSON as the vendor sent it (objects, arrays, strings, numbers, booleans or null).',
  serialize: (v) => v,
  parseValue: (v) => v,
});

builder.queryType({ description: 'Reads across every configured task backend.' });
builder.mutationType({ description: 'Writes that fan out to the vendor backends.' });
