// `taskhub-batch --columns`: the CSV column mapping of each backend, read from the schema, so the help
// can never drift from what the CSV reader accepts.

import { VENDORS, cliSchemaFrom, enumValues, vendorsOf } from './schema.js';
import type { CliSchema, VendorInfo } from './schema.js';

/** The help for the committed schema, or for another schema given as SDL text (a test's). */
export function columnsHelp(sdl?: string): string {
  const from: CliSchema | undefined = sdl === undefined ? undefined : cliSchemaFrom(sdl);
  const vendors: readonly VendorInfo[] = from ? vendorsOf(from) : VENDORS;
  const names = (pick: (v: VendorInfo) => string) => vendors.map(pick).join(', ');
  const out: string[] = [
    'CSV header: backend,id,<field>,... ; one file may mix backends (leave other backends\' columns empty).',
    `backend: ${names((v) => v.backend)} (or ${names((v) => v.key)}). Empty cell: leave unchanged.`,
    'Lists are JSON in the cell, quoted as CSV: "[""a"",""b""]"; key/value lists also take "{""Amount"":""10""}".',
  ];
  for (const v of vendors) {
    out.push('', `${v.backend} (${v.inputType}); id → ${v.idField}`);
    for (const f of v.fields) {
      if (f.name === v.idField) continue;
      const values = enumValues(f.leaf, from);
      const kind = f.json ? `${f.type}, JSON` : values.length ? `${f.type}: ${values.join(' | ')}` : f.type;
      out.push(`  ${f.name.padEnd(28)} ${kind}${f.description ? ` - ${f.description}` : ''}`);
    }
  }
  return out.join('\n');
}
