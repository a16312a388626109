// Writes the schema files for tools (see scripts/schema-files.ts). With --check, fails when a committed
// file differs from what the code prints.

import { readFileSync, writeFileSync } from 'node:fs';
import { schemaFiles } from './schema-files.js';

const root = new URL('../', import.meta.url);
const check = process.argv.includes('--check');
let stale = false;
for (const [path, content] of Object.entries(await schemaFiles())) {
  const url = new URL(path, root);
  if (!check) { writeFileSync(url, content); console.log(`wrote ${path}`); continue; }
  let committed = '';
  try { committed = readFileSync(url, 'utf8'); } catch { /* missing counts as stale */ }
  if (committed !== content) { console.error(`${path} is out of date: run \`npm run schema:print\` and commit it`); stale = true; }
}
if (check) {
  if (stale) process.exit(1);
  console.log('schema files are up to date');
}
