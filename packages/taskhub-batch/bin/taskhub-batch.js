#!/usr/bin/env node
// The batch CLI as a standalone package: dist/cli/main.js is one bundled file (its dependencies included),
// so installing it needs no registry.
await import('../dist/cli/main.js');
