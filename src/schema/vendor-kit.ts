// What a vendor's schema.ts gets to define its task type and update input with (the builder and the shared
// types they build on), and what it hands back: the names core needs and how its input becomes the
// vendor's update. Only the vendor's own file knows the input's shape and the update type; core passes
// the parsed update from the vendor's input to the same vendor's adapter.

import type { InputObjectRef, InterfaceRef, ObjectRef } from '@pothos/core';
import type { Backend, DomainTask, KeyValue } from '../domain.js';
import type { Builder, SchemaTypes } from './builder.js';

export interface VendorSchemaKit {
  builder: Builder;
  NodeRef: InterfaceRef<SchemaTypes, DomainTask>;
  TaskRef: InterfaceRef<SchemaTypes, DomainTask>;
  KeyValueRef: ObjectRef<SchemaTypes, KeyValue>;
  KeyValueInput: InputObjectRef<SchemaTypes, KeyValue>;
  /** `isTypeOf` for a vendor's task type: a domain task of that backend. */
  isTaskOf(backend: Backend): (value: unknown) => boolean;
}

export interface VendorSchemaParts<U, Shape = unknown> {
  /** The vendor's task type (implements Node and Task; a federation entity keyed by backend nativeId). */
  typeName: string;
  /** Its update input, the type of its field in the `TaskUpdateInput` @oneOf. */
  input: InputObjectRef<SchemaTypes, Shape>;
  /** The @oneOf field's description. */
  inputDescription: string;
  /** A value of the input (as GraphQL coerced it) as the vendor's update: explicit nulls become "absent". */
  toUpdate(input: Shape): U;
}

/** GraphQL gives `null` for explicit nulls; updates say "absent" for "leave unchanged". */
export type Compact<T> = { [K in keyof T]: Exclude<T[K], null> };

export function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Compact<T>;
}
