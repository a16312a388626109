// Preloaded with `node --import` by tests that check what a process loads: every bare package a module
// imports is written to stderr as `import-trace <specifier>`, and every file of the program loaded as
// `import-file <url>`, so a test can tell a package or a module was never loaded.
// The hooks run on a thread of their own, whose process.stderr is relayed through the main thread later:
// a line written so could arrive after the output a test stops the process at, and be lost (seen on Node
// 22 under load). writeSync to fd 2 lands before the import it reports completes.
import { register } from 'node:module';

register(`data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^[.\\/]|^node:|^file:|^data:/.test(specifier)) writeSync(2, 'import-trace ' + specifier + '\\n');
  const resolved = await next(specifier, context);
  if (resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/')) writeSync(2, 'import-file ' + resolved.url + '\\n');
  return resolved;
}`)}`);
