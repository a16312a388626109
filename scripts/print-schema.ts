// Prints the subgraph SDL (see printSdl in src/schema/index.ts) to schema/schema.graphql. With --check, fails when
// the committed file differs.

import { readFileSync, writeFileSync } from 'node:fs';
import { printSdl } from '../src/schema/index.js';

const path = new URL('../schema/schema.graphql', import.meta.url);
const sdl = printSdl();
if (process.argv.includes('--check')) {
  if (readFileSync(path, 'utf8') !== sdl) {
    console.error('schema/schema.graphql is out of date: run `npm run schema:print` and commit it');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date');
} else {
  writeFileSync(path, sdl);
  console.log('wrote schema/schema.graphql');
}
