// The typed clients: src/generated/ is what `npm run codegen` makes from schema/schema.graphql and
// operations/*.graphql (a drift fails here), every operation is valid against the schema, and the
// README's examples stay valid and kept as files.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildSchema, Kind, parse, validate } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/cli/schema.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
// assumeValidSDL: the SDL carries federation directives (@link, @key) graphql-js does not define.
const schema = buildSchema(read('schema/schema.graphql'), { assumeValidSDL: true });
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
    expect(operationFiles).toEqual(['BatchUpdateTasks.graphql', 'ListTasks.graphql', 'OpenTask.graphql', 'Update.graphql']);
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
