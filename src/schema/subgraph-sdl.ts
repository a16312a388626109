// The subgraph SDL, as schema/subgraph.graphql holds it and `_service { sdl }` answers it.
//
// Imported on demand (src/schema/index.ts, printSdl): Apollo's printer loads @apollo/federation-internals,
// ~870 KB of code that a server answering ordinary queries never runs, so it is loaded by the first `_service`
// query or by `npm run schema:print`, not at start (BENCHMARKS.md, "federation on demand").

import {
  isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType, lexicographicSortSchema,
} from 'graphql';
import type { GraphQLNamedType, GraphQLSchema, TypeDefinitionNode } from 'graphql';
import { printSubgraphSchema } from '@apollo/subgraph';

/**
 * The subgraph SDL: printSubgraphSchema (keeps `extend schema @link` and `@key`, leaves out `_service`,
 * `_entities` and `_Any`) of the sorted schema, with two repairs.
 * - Fields, arguments, enum values and interfaces in name order. The printer reads each type's AST node, which
 *   the directives plugin builds in definition order, so lexicographicSortSchema alone only sorts the types.
 * - `@oneOf` back on one-of inputs. The directives plugin's AST node leaves it out, and Apollo's printer
 *   (@apollo/subgraph 2.14) refuses it as an unknown directive, so it is added to the printed text. Without it
 *   the SDL would describe a looser input than the one served, and every tool reading the SDL (codegen, the
 *   batch CLI, composition and so the gateway) would inherit that.
 */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  const sorted = lexicographicSortSchema(schema);
  for (const type of Object.values(sorted.getTypeMap())) {
    // The sorted copy is private to this function: rewriting its AST nodes leaves the served schema alone.
    if (type.astNode) Object.assign(type, { astNode: inSchemaOrder(type, type.astNode) });
  }
  let sdl = printSubgraphSchema(sorted);
  for (const type of Object.values(sorted.getTypeMap())) {
    if (!isInputObjectType(type) || !type.isOneOf) continue;
    const plain = `\ninput ${type.name} {\n`;
    if (sdl.split(plain).length !== 2) throw new Error(`cannot mark ${type.name} @oneOf in the printed subgraph SDL`);
    sdl = sdl.replace(plain, `\ninput ${type.name} @oneOf {\n`);
  }
  return sdl;
}

/** `node` with its members in the order the (sorted) type lists them. */
function inSchemaOrder(type: GraphQLNamedType, node: TypeDefinitionNode): TypeDefinitionNode {
  const order = <T extends { name: { value: string } }>(items: readonly T[] | undefined, names: string[]) =>
    items && [...items].sort((a, b) => names.indexOf(a.name.value) - names.indexOf(b.name.value));
  if ((isObjectType(type) || isInterfaceType(type)) && (node.kind === 'ObjectTypeDefinition' || node.kind === 'InterfaceTypeDefinition')) {
    const fields = type.getFields();
    return {
      ...node,
      interfaces: order(node.interfaces, type.getInterfaces().map((i) => i.name)),
      fields: order(node.fields, Object.keys(fields))?.map((f) => ({
        ...f, arguments: order(f.arguments, fields[f.name.value]?.args.map((a) => a.name) ?? []),
      })),
    };
  }
  if (isInputObjectType(type) && node.kind === 'InputObjectTypeDefinition') {
    return { ...node, fields: order(node.fields, Object.keys(type.getFields())) };
  }
  if (isEnumType(type) && node.kind === 'EnumTypeDefinition') {
    return { ...node, values: order(node.values, type.getValues().map((v) => v.name)) };
  }
  if (isUnionType(type) && node.kind === 'UnionTypeDefinition') {
    return { ...node, types: order(node.types, type.getTypes().map((t) => t.name)) };
  }
  return node;
}
