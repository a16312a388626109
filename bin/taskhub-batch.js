#!/usr/bin/env node
// The batch CLI, compiled by `npm ci` (prepare -> tsc -> dist/). No TypeScript loader at run time.
await import('../dist/cli/main.js');
