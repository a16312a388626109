// The files for tools: each matches what the code prints now (run `npm run schema:print` after a schema
// change), schema/schema.graphql is plain GraphQL that graphql-js and graphql-inspector load without
// federation knowledge, and possible-types.json names every member of every interface and union.

import { readdirSync, readFileSync } from 'node:fs';
import { buildSchema, isAbstractType, parse, Source } from 'graphql';
import { diff, validate as inspectorValidate } from '@graphql-inspector/core';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../../scripts/schema-files.js';
import { schema as served } from '../../src/schema/index.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('schema files', () => {
  it('each committed file matches the code', async () => {
    const files = await schemaFiles();
    expect(Object.keys(files).sort()).toEqual(['schema/possible-types.json', 'schema/schema.graphql', 'schema/subgraph.graphql']);
    for (const [path, content] of Object.entries(files)) expect(read(path), path).toBe(content);
  });

  it('schema.graphql is plain GraphQL: buildSchema validates it, no federation types or directives', () => {
    const sdl = read('schema/schema.graphql');
    const schema = buildSchema(sdl);   // no assumeValidSDL: unknown directives would throw
    expect(sdl).not.toMatch(/@link|@key|_entities|_service|_Any|_Entity|FieldSet/);
    expect(schema.getType('TaskUpdateInput')).toMatchObject({ isOneOf: true });
    // The same public fields as served, minus the federation ones.
    const publicFields = (s: typeof schema) => Object.keys(s.getQueryType()!.getFields()).filter((f) => !f.startsWith('_')).sort();
    expect(publicFields(schema)).toEqual(publicFields(served));
    expect(Object.keys(schema.getQueryType()!.getFields()).some((f) => f.startsWith('_'))).toBe(false);
  });

  it('graphql-inspector validates every operation and README example against schema.graphql, and diffs it', async () => {
    const schema = buildSchema(read('schema/schema.graphql'));
    const sources = readdirSync(new URL('operations/', root)).filter((f) => f.endsWith('.graphql'))
      .map((f) => new Source(read(`operations/${f}`), f));
    const readmeBlocks = [...read('README.md').matchAll(/```graphql\n([\s\S]*?)```/g)].map((m, i) => new Source(m[1]!, `README#${i}`));
    const invalid = inspectorValidate(schema, [...sources, ...readmeBlocks]);
    expect(invalid.map((d) => `${d.source.name}: ${d.errors.map((e) => e.message).join('; ')}`)).toEqual([]);
    expect(await diff(schema, buildSchema(read('schema/schema.graphql')))).toEqual([]);
  });

  it('possible-types.json lists every interface and union with all of its members', () => {
    const { possibleTypes } = JSON.parse(read('schema/possible-types.json')) as { possibleTypes: Record<string, string[]> };
    const schema = buildSchema(read('schema/schema.graphql'));
    const expected = Object.fromEntries(Object.values(schema.getTypeMap())
      .filter((t) => isAbstractType(t) && !t.name.startsWith('__'))
      .map((t) => [t.name, schema.getPossibleTypes(t as never).map((m) => m.name).sort()]));
    expect(Object.fromEntries(Object.entries(possibleTypes).map(([k, v]) => [k, [...v].sort()]))).toEqual(expected);
    expect(possibleTypes['Task']).toEqual(expect.arrayContaining(['ZuoraWorkflowTask', 'IbmBpmTask', 'K2Task', 'BatchTask']));
  });

  it('subgraph.graphql keeps the federation directives', () => {
    const sdl = read('schema/subgraph.graphql');
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6"');
    expect(sdl).toContain('@key(fields: "backend nativeId")');
    expect(() => parse(sdl)).not.toThrow();
  });
});
