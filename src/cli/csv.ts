// CSV input. The header is `backend,id,<field>,...`: `backend` names the vendor (a Backend value, or its
// TaskUpdateInput field name), `id` is the vendor's task id (the input's one required field), and
// every other column is a field of that vendor's update input, named as in the schema. One file can mix
// vendors: a row leaves the columns of other vendors empty. An empty cell means "leave unchanged". Lists
// (tags, customProperties, processDataFields, ...) are JSON in the cell; key/value lists also take a JSON
// object ({"Amount":"10"}). The file is strict RFC 4180 CSV, so a JSON cell is quoted with its quotes
// doubled (`"[""a"",""b""]"`), as spreadsheets write it. Quoting errors make row boundaries unknowable,
// so they refuse the whole file.

import { parse } from 'csv-parse/sync';
import { checkItem, InputFileError } from './input.js';
import type { InputLine } from './input.js';
import { VENDORS } from './schema.js';
import type { FieldInfo, VendorInfo } from './schema.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every column name a CSV header may use, lower-cased → schema field name. */
const FIELD_COLUMNS = new Map<string, string>();
for (const v of VENDORS) for (const f of v.fields) if (f.name !== v.idField) FIELD_COLUMNS.set(f.name.toLowerCase(), f.name);

function vendorOf(cell: string): VendorInfo | undefined {
  const word = cell.trim().toLowerCase();
  return VENDORS.find((v) => v.backend.toLowerCase() === word || v.key.toLowerCase() === word);
}

// The backends a row may name, in the schema's (name) order: the CLI knows only what the SDL says.
const BACKEND_LIST = VENDORS.map((v) => v.backend).join(', ');

interface Header { columns: string[]; backendAt: number; idAt: number }

function readHeader(cells: string[]): Header {
  const columns: string[] = [];
  let backendAt = -1;
  let idAt = -1;
  cells.forEach((raw, i) => {
    const name = raw.trim();
    const lower = name.toLowerCase();
    if (lower === 'backend') { backendAt = i; columns.push('backend'); return; }
    if (lower === 'id') { idAt = i; columns.push('id'); return; }
    const field = FIELD_COLUMNS.get(lower);
    if (!field) {
      const known = [...new Set(FIELD_COLUMNS.values())].sort().join(', ');
      throw new InputFileError(`CSV header (line 1): unknown column '${name}'. Columns are backend, id and: ${known}`);
    }
    columns.push(field);
  });
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) throw new InputFileError(`CSV header (line 1): column '${dup}' appears twice`);
  if (backendAt < 0 || idAt < 0) throw new InputFileError('CSV header (line 1) must have the columns backend and id');
  return { columns, backendAt, idAt };
}

/** A cell as the GraphQL value it stands for; left as text when it is not one, so the schema check names it. */
function cellValue(field: FieldInfo, cell: string): { value: unknown } | { problem: string } {
  if (field.json) {
    let value: unknown;
    try {
      value = JSON.parse(cell);
    } catch {
      const example = field.leaf === 'KeyValueInput' ? '[{"key":"k","value":"v"}] or {"k":"v"}' : '["a","b"]';
      return { problem: `column ${field.name}: not valid JSON (write ${example})` };
    }
    if (field.leaf === 'KeyValueInput' && isPlainObject(value) && Object.values(value).every((x) => typeof x === 'string')) {
      value = Object.entries(value).map(([key, v]) => ({ key, value: v }));
    }
    return { value };
  }
  const trimmed = cell.trim();
  if (field.leaf === 'Int' && /^[+-]?\d+$/.test(trimmed)) return { value: Number(trimmed) };
  if (field.leaf === 'Boolean' && /^(true|false)$/i.test(trimmed)) return { value: trimmed.toLowerCase() === 'true' };
  return { value: cell };
}

function rowToLine(line: number, cells: string[], header: Header): InputLine {
  const invalid = (error: string, backend: VendorInfo | undefined = undefined, nativeId: string | null = null): InputLine =>
    ({ kind: 'invalid', line, error, backend: backend?.backend ?? null, nativeId });
  const vendor = vendorOf(cells[header.backendAt] ?? '');
  const id = (cells[header.idAt] ?? '').trim();
  if (cells.length !== header.columns.length) {
    return invalid(`has ${cells.length} fields; the header has ${header.columns.length} (every row has every column, empty or not)`, vendor, id || null);
  }
  if (!vendor) return invalid(`column backend: '${cells[header.backendAt]}' is not one of ${BACKEND_LIST}`, undefined, id || null);
  if (id === '') return invalid(`column id: empty (the ${vendor.backend} ${vendor.idField} is required)`, vendor);

  const body: Record<string, unknown> = { [vendor.idField]: id };
  const problems: string[] = [];
  header.columns.forEach((column, i) => {
    const cell = cells[i]!;
    if (i === header.backendAt || i === header.idAt || cell === '') return;
    const field = vendor.fields.find((f) => f.name === column);
    if (!field) {
      problems.push(`column ${column}: ${vendor.backend} has no such field; leave it empty on ${vendor.backend} rows`);
      return;
    }
    const converted = cellValue(field, cell);
    if ('problem' in converted) problems.push(converted.problem);
    else body[column] = converted.value;
  });
  if (problems.length > 0) return invalid(problems.join('; '), vendor, id);
  return checkItem(line, { [vendor.key]: body });
}

interface CsvRecord { record: string[]; info: { lines: number }; raw: string }

export function parseCsv(text: string): InputLine[] {
  let records: CsvRecord[];
  try {
    // csv-parse miscounts lines after a CRLF; as LF, its line numbers are exact. Line breaks inside a
    // quoted cell are therefore sent as \n.
    records = parse(text.replace(/\r\n/g, '\n'), { info: true, raw: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as unknown as CsvRecord[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new InputFileError(`CSV syntax error${e.lines ? ` at line ${e.lines}` : ''}: ${e.message}. Nothing was sent; fix the file and run again`);
  }
  const [head, ...rows] = records;
  if (!head) return [];
  const header = readHeader(head.record);
  return rows.map((r) => rowToLine(startLine(r), r.record, header));
}

/**
 * csv-parse reports the line a record ends on; a quoted cell may span lines, and `raw` also holds the
 * blank lines skipped before the record.
 */
function startLine(r: CsvRecord): number {
  const body = r.raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
  return r.info.lines - (body.match(/\n/g)?.length ?? 0);
}
