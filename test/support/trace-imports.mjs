// Preloaded with `node --import` by tests that check what a process loads: every bare package a module
// imports is written to stderr as `import-trace <specifier>`, so a test can tell a package was never loaded.
import { register } from 'node:module';

register(`data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (!/^[.\\/]|^node:|^file:|^data:/.test(specifier)) process.stderr.write('import-trace ' + specifier + '\\n');
  return next(specifier, context);
}`)}`);
