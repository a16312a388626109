// The CLI checks every input line against the same schema the facade serves (the committed SDL), so one
// malformed line becomes INVALID_LINE for that line only. Sent as is, it would be a GraphQL error that
// refuses the whole chunk around it.

import { readFileSync } from 'node:fs';
import {
  GraphQLInputObjectType, GraphQLSchema, buildSchema, coerceInputValue, getNamedType, isInputObjectType, isListType,
  isNonNullType, isEnumType, printType,
} from 'graphql';
import type { GraphQLInputType } from 'graphql';
import type { Backend, TaskUpdateInput } from '../generated/graphql.js';

const SDL_PATH = new URL('../../schema/schema.graphql', import.meta.url);

/** The schema the CLI checks lines against: the committed SDL, or another (a test's) given as text. */
export type CliSchema = GraphQLSchema;

/** Builds the CLI's view of a schema from its SDL (plain GraphQL, no federation directives). */
export const cliSchemaFrom = (sdl: string): CliSchema => buildSchema(sdl);

// The public API as plain GraphQL (no federation directives), so graphql-js builds and validates it.
const schema = cliSchemaFrom(readFileSync(SDL_PATH, 'utf8'));

function inputObject(name: string, from: CliSchema = schema): GraphQLInputObjectType {
  const type = from.getType(name);
  if (!isInputObjectType(type)) throw new Error(`the schema has no input type ${name}`);
  return type;
}

const TASK_UPDATE_INPUT = inputObject('TaskUpdateInput');

/** The keys of TaskUpdateInput, each naming one backend. */
export type VendorKey = keyof TaskUpdateInput & string;

/**
 * Each @oneOf field of TaskUpdateInput with its `Backend` value. The CLI reads only the schema, so it pairs
 * them by the rule the server enforces when it builds the schema (src/schema/index.ts): lower-cased, the
 * field is the backend without underscores (`fooBar` for FOO_BAR).
 */
function backendsByKey(from: CliSchema): Record<string, Backend> {
  const backends = from.getType('Backend');
  if (!isEnumType(backends)) throw new Error('the schema has no Backend enum');
  // The enum's values are the Backend type's values (codegen reads the same SDL); a test's schema may add one.
  const byFold = new Map(backends.getValues().map((v) => [v.name.replace(/_/g, '').toLowerCase(), v.name as Backend]));
  return Object.fromEntries(Object.keys(inputObject('TaskUpdateInput', from).getFields()).map((key) => {
    const backend = byFold.get(key.toLowerCase());
    if (!backend) throw new Error(`TaskUpdateInput.${key} names no Backend value`);
    return [key, backend];
  }));
}

export const BACKEND_OF: Record<string, Backend> = backendsByKey(schema);

export const VENDOR_KEYS = Object.keys(BACKEND_OF) as VendorKey[];

export interface FieldInfo {
  name: string;
  /** The GraphQL type as written in the SDL, e.g. `[KeyValueInput!]`. */
  type: string;
  /** Lists and input objects are written as JSON in a CSV cell. */
  json: boolean;
  /** The leaf scalar or enum name (`Int`, `Boolean`, a vendor's enum, ...). */
  leaf: string;
  description: string;
}

export interface VendorInfo {
  key: VendorKey;
  backend: Backend;
  inputType: string;
  /** The one required field: the task's id in that vendor (`id`, or the vendor's own name for it). */
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

function vendorInfo(key: VendorKey, from: CliSchema = schema, backendOf: Record<string, Backend> = BACKEND_OF): VendorInfo {
  const field = inputObject('TaskUpdateInput', from).getFields()[key];
  if (!field) throw new Error(`TaskUpdateInput has no field ${key}`);
  const type = getNamedType(field.type);
  if (!isInputObjectType(type)) throw new Error(`TaskUpdateInput.${key} is not an input object`);
  const fields = Object.values(type.getFields());
  const required = fields.filter((f) => isNonNullType(f.type));
  if (required.length !== 1) throw new Error(`${type.name} should have exactly one required field (the id)`);
  return {
    key, backend: backendOf[key]!, inputType: type.name, idField: required[0]!.name,
    fields: fields.map((f) => describeField(f.name, f.type, f.description)).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export const VENDORS: readonly VendorInfo[] = VENDOR_KEYS.map((key) => vendorInfo(key));

/**
 * A JSONL line for help and error texts, made from the schema so it names a vendor that exists: the first
 * vendor's key, its id field and one text field to change (its `name` where it has one).
 */
export function exampleLine(vendor: VendorInfo = VENDORS[0]!): string {
  const field = vendor.fields.find((f) => f.name === 'name') ?? vendor.fields.find((f) => f.name !== vendor.idField && f.leaf === 'String');
  return JSON.stringify({ [vendor.key]: { [vendor.idField]: '…', ...(field ? { [field.name]: 'x' } : {}) } });
}

/** The vendors of another schema (a test's), read the same way. */
export function vendorsOf(from: CliSchema): VendorInfo[] {
  const backendOf = backendsByKey(from);
  return Object.keys(backendOf).map((key) => vendorInfo(key as VendorKey, from, backendOf));
}

export function enumValues(name: string, from: CliSchema = schema): string[] {
  const type = from.getType(name);
  return isEnumType(type) ? type.getValues().map((v) => v.name) : [];
}

/**
 * Coerces one item as the facade would. Returns the coerced item, or every problem found as
 * `path: message` (path relative to the item, e.g. `<field>.<input field>`).
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
