// Imports every type file (each registers its types on the builder) and builds the schema once.

import { assertValidSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './task.js';
import './zuora.js';
import './ibm-bpm.js';
import './k2.js';
import './superoffice.js';
import './batch-update.js';

export const schema = builder.toSchema();
// Fail at start-up, not at the first query, if a type breaks the GraphQL rules.
assertValidSchema(schema);

/** The committed SDL: sorted, so diffs show real changes only. */
export const printSdl = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
