// Preloaded with `node --import` by tests that check what a process loads: every bare package a module
// imports is written to stderr as `import-trace <specifier>`, so a test can tell a package was never loaded.
// The hooks run on a thread of their own, whose process.stderr is relayed through the main thread later:
// a line written so could arrive after the output a test stops the process at, and be lost (seen on Node
// 22 under load). writeSync to fd 2 lands before the import it reports completes.
import { register } from 'node:module';

register(`data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^[.\\/]|^node:|^file:|^data:/.test(specifier)) writeSync(2, 'import-trace ' + specifier + '\\n');
  return next(specifier, context);
}`)}`);
