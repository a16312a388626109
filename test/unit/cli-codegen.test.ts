// The typed clients: src/generated/ is what `npm run codegen` makes from schema/schema.graphql and
// operations/*.graphql (a drift fails here), every operation is valid against the schema, and the
// README's examples stay valid and kept as files.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildSchema, getNamedType, isAbstractType, isObjectType, Kind, parse, TypeInfo, validate, visit, visitWithTypeInfo } from 'graphql';
import type { OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/cli/schema.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const schema = buildSchema(read('schema/schema.graphql'));
const operationFiles = readdirSync(new URL('operations/', root)).filter((f) => f.endsWith('.graphql')).sort();
const readme = read('README.md');
const readmeBlocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
const namesOf = (source: string) => parse(source).definitions
  .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  .map((d) => d.name?.value);

describe('codegen', () => {
  it('src/generated matches what codegen.yml generates now (npm run codegen:check)', async () => {
    const bin = new URL('node_modules/@graphql-codegen/cli/esm/bin.js', root).pathname;
    const run = promisify(execFile)(process.execPath, [bin, '--config', 'codegen.yml', '--check'], { cwd: root.pathname });
    await expect(run).resolves.toBeDefined();
  }, 60_000);

  it('has the README examples and the CLI operation, one named operation per file, each valid', () => {
    expect(operationFiles).toEqual(['BatchUpdateJob.graphql', 'BatchUpdateJobProgress.graphql', 'BatchUpdateJobResults.graphql', 'BatchUpdateTasks.graphql', 'ListTasks.graphql', 'OpenTask.graphql',
      'StartBatchUpdateJob.graphql', 'StreamUpdate.graphql', 'Update.graphql']);
    for (const file of operationFiles) {
      const source = read(`operations/${file}`);
      expect(namesOf(source), file).toEqual([file.replace('.graphql', '')]);
      expect(validate(schema, parse(source)).map((e) => e.message), file).toEqual([]);
    }
  });

  it('the CLI operation takes the whole input as one variable', () => {
    const source = read('operations/BatchUpdateTasks.graphql');
    expect(source).toMatch(/mutation BatchUpdateTasks\(\$input: BatchUpdateTasksInput!\)/);
  });
});

/** Fields whose type has an `id` (tasks, nodes) selected without `id`: a normalising cache cannot update them. */
function selectionsWithoutId(source: string): string[] {
  const typeInfo = new TypeInfo(schema);
  const missing: string[] = [];
  const selectsId = (set: SelectionSetNode): boolean => set.selections.some((s) =>
    (s.kind === Kind.FIELD && s.name.value === 'id' && !s.alias) || (s.kind === Kind.INLINE_FRAGMENT && !s.typeCondition && selectsId(s.selectionSet)));
  visit(parse(source), visitWithTypeInfo(typeInfo, {
    Field(node) {
      const type = getNamedType(typeInfo.getType());
      const hasId = (isObjectType(type) || isAbstractType(type)) && (isObjectType(type) ? 'id' in type.getFields()
        : schema.getPossibleTypes(type).every((t) => 'id' in t.getFields()));
      if (hasId && node.selectionSet && !selectsId(node.selectionSet)) missing.push(`${node.name.value}: ${type?.name}`);
    },
  }));
  return missing;
}

describe('normalised caches', () => {
  it('every operation and README example selects id on every task or node it reads', () => {
    for (const file of operationFiles) expect(selectionsWithoutId(read(`operations/${file}`)), file).toEqual([]);
    for (const block of readmeBlocks) expect(selectionsWithoutId(block), block).toEqual([]);
  });
});

describe('README', () => {
  it('every graphql example is valid against the schema, and each named one is kept in operations/', () => {
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(3);
    for (const block of readmeBlocks) {
      expect(validate(schema, parse(block)).map((e) => e.message), block).toEqual([]);
      for (const name of namesOf(block)) if (name) expect(operationFiles, name).toContain(`${name}.graphql`);
    }
  });

  it('the Batch CLI section documents every CSV column of every backend', () => {
    const start = readme.indexOf('## Batch CLI');
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    expect(section.length).toBeGreaterThan(100);
    for (const v of VENDORS) {
      for (const f of v.fields) if (f.name !== v.idField) expect(section, `${v.backend}.${f.name}`).toContain(`\`${f.name}\``);
    }
  });
});
