// The CLI checks every input line against the same schema the facade serves (the committed SDL), so one
// malformed line becomes INVALID_LINE for that line only. Sent as is, it would be a GraphQL error that
// refuses the whole chunk around it.

import { readFileSync } from 'node:fs';
import {
  GraphQLInputObjectType, buildSchema, coerceInputValue, getNamedType, isInputObjectType, isListType,
  isNonNullType, isEnumType, printType,
} from 'graphql';
import type { GraphQLInputType } from 'graphql';
import type { Backend, TaskUpdateInput } from '../generated/graphql.js';

const SDL_PATH = new URL('../../schema/schema.graphql', import.meta.url);

// The public API as plain GraphQL (no federation directives), so graphql-js builds and validates it.
const schema = buildSchema(readFileSync(SDL_PATH, 'utf8'));

function inputObject(name: string): GraphQLInputObjectType {
  const type = schema.getType(name);
  if (!isInputObjectType(type)) throw new Error(`schema/schema.graphql has no input type ${name}`);
  return type;
}

const TASK_UPDATE_INPUT = inputObject('TaskUpdateInput');

/** The keys of TaskUpdateInput (`zuora`, `ibmBpm`, ...), each naming one backend. */
export type VendorKey = keyof TaskUpdateInput;

export const BACKEND_OF: Record<VendorKey, Backend> = {
  zuora: 'ZUORA', ibmBpm: 'IBM_BPM', k2: 'K2', superOffice: 'SUPEROFFICE',
};

export const VENDOR_KEYS = Object.keys(BACKEND_OF) as VendorKey[];

export interface FieldInfo {
  name: string;
  /** The GraphQL type as written in the SDL, e.g. `[KeyValueInput!]`. */
  type: string;
  /** Lists and input objects are written as JSON in a CSV cell. */
  json: boolean;
  /** The leaf scalar or enum name (`Int`, `Boolean`, `ZuoraTaskStatus`, ...). */
  leaf: string;
  description: string;
}

export interface VendorInfo {
  key: VendorKey;
  backend: Backend;
  inputType: string;
  /** The one required field: the task's id in that vendor (`id`, or `serialNumber` for K2). */
  idField: string;
  fields: FieldInfo[];
}

function describeField(name: string, type: GraphQLInputType, description: string | null | undefined): FieldInfo {
  const inner = isNonNullType(type) ? type.ofType : type;
  return {
    name,
    type: String(type),
    json: isListType(inner) || isInputObjectType(inner),
    leaf: getNamedType(type).name,
    description: description ?? '',
  };
}

function vendorInfo(key: VendorKey): VendorInfo {
  const field = TASK_UPDATE_INPUT.getFields()[key];
  if (!field) throw new Error(`TaskUpdateInput has no field ${key}`);
  const type = getNamedType(field.type);
  if (!isInputObjectType(type)) throw new Error(`TaskUpdateInput.${key} is not an input object`);
  const fields = Object.values(type.getFields());
  const required = fields.filter((f) => isNonNullType(f.type));
  if (required.length !== 1) throw new Error(`${type.name} should have exactly one required field (the id)`);
  return {
    key, backend: BACKEND_OF[key], inputType: type.name, idField: required[0]!.name,
    fields: fields.map((f) => describeField(f.name, f.type, f.description)).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export const VENDORS: readonly VendorInfo[] = VENDOR_KEYS.map(vendorInfo);

export function enumValues(name: string): string[] {
  const type = schema.getType(name);
  return isEnumType(type) ? type.getValues().map((v) => v.name) : [];
}

/**
 * Coerces one item as the facade would. Returns the coerced item, or every problem found as
 * `path: message` (path relative to the item, e.g. `zuora.concurrentLimit`).
 */
export function coerceItem(value: unknown): { item: TaskUpdateInput } | { problems: string[] } {
  const problems: string[] = [];
  const item = coerceInputValue(value, TASK_UPDATE_INPUT, (path, _invalid, error) => {
    const at = path.join('.');
    problems.push(at ? `${at}: ${error.message}` : error.message);
  });
  return problems.length > 0 ? { problems } : { item: item as TaskUpdateInput };
}

/** The SDL of one input type (for `--columns`). */
export const printInputType = (name: string) => printType(inputObject(name));
