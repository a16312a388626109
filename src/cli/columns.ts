// `taskhub-batch --columns`: the CSV column mapping of each backend, read from the schema, so the help
// can never drift from what the CSV reader accepts.

import { VENDORS, enumValues } from './schema.js';

export function columnsHelp(): string {
  const out: string[] = [
    'CSV header: backend,id,<field>,... ; one file may mix backends (leave other backends\' columns empty).',
    'backend: ZUORA, IBM_BPM, K2 or SUPEROFFICE (or zuora, ibmBpm, k2, superOffice). Empty cell: leave unchanged.',
    'Lists are JSON in the cell, quoted as CSV: "[""a"",""b""]"; key/value lists also take "{""Amount"":""10""}".',
  ];
  for (const v of VENDORS) {
    out.push('', `${v.backend} (${v.inputType}); id → ${v.idField}`);
    for (const f of v.fields) {
      if (f.name === v.idField) continue;
      const values = enumValues(f.leaf);
      const kind = f.json ? `${f.type}, JSON` : values.length ? `${f.type}: ${values.join(' | ')}` : f.type;
      out.push(`  ${f.name.padEnd(28)} ${kind}${f.description ? ` - ${f.description}` : ''}`);
    }
  }
  return out.join('\n');
}
