// taskhub-batch input: every item line becomes exactly one entry (an item to send, or why not), with the
// line number a person would see in an editor; file-level problems refuse the file.

import { describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../../src/cli/csv.js';
import { decodeUtf8, formatOf, InputFileError, parseJsonl } from '../../src/cli/input.js';
import type { InputLine } from '../../src/cli/input.js';

const invalid = (lines: InputLine[]) => lines.filter((l) => l.kind === 'invalid').map((l) => [l.line, l.kind === 'invalid' ? l.error : '']);

describe('JSONL', () => {
  it('numbers lines as in the file, skips blank ones, and accepts CRLF and a BOM', () => {
    const lines = parseJsonl('\uFEFF{"zuora":{"id":"2771","name":"a"}}\r\n\r\n   \n{"k2":{"serialNumber":"12_8","action":"Approve"}}\n');
    expect(lines).toEqual([
      { kind: 'item', line: 1, item: { zuora: { id: '2771', name: 'a' } }, backend: 'ZUORA', nativeId: '2771' },
      { kind: 'item', line: 4, item: { k2: { serialNumber: '12_8', action: 'Approve' } }, backend: 'K2', nativeId: '12_8' },
    ]);
  });

  it('coerces as GraphQL does: a numeric id becomes the ID string', () => {
    expect(parseJsonl('{"superOffice":{"id":103,"state":"Started"}}')[0]).toMatchObject({ kind: 'item', item: { superOffice: { id: '103', state: 'Started' } }, nativeId: '103' });
  });

  it('says what is wrong with each malformed line, and still names the task when it can', () => {
    const lines = parseJsonl([
      '{"zuora":{"id":"1"}',
      '[{"zuora":{"id":"1"}}]',
      '{"zuora":{"id":"1"},"k2":{"serialNumber":"12_8"}}',
      '{"zuora":{"id":"2772","concurrentLimit":"five"}}',
      '{"zuora":{"id":"2772","colour":"red"}}',
      '{"superOffice":{"id":"103","state":"Done"}}',
      '{"k2":{"action":"Approve"}}',
      '{"ibmBpm":{"id":"_TKI:1","customProperties":[{"key":"a"}]}}',
      '{"jira":{"id":"1"}}',
    ].join('\n'));
    expect(lines.every((l) => l.kind === 'invalid')).toBe(true);
    const errors = invalid(lines);
    expect(errors.map(([line]) => line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(errors[0]![1]).toMatch(/^not valid JSON: /);
    expect(errors[1]![1]).toMatch(/expected a JSON object with one vendor key/);
    expect(errors[2]![1]).toMatch(/Exactly one key must be specified/);
    expect(errors[3]![1]).toBe('zuora.concurrentLimit: Int cannot represent non-integer value: "five"');
    expect(errors[4]![1]).toMatch(/^zuora: Field "colour" is not defined by type "ZuoraTaskUpdateInput"/);
    expect(errors[5]![1]).toMatch(/^superOffice.state: Value "Done" does not exist in "BatchTaskState" enum/);
    expect(errors[6]![1]).toMatch(/^k2: Field "serialNumber" of required type "String!" was not provided/);
    expect(errors[7]![1]).toMatch(/^ibmBpm.customProperties.0: Field "value" of required type "String!" was not provided/);
    expect(errors[8]![1]).toMatch(/Field "jira" is not defined by type "TaskUpdateInput"/);
    expect(lines[3]).toMatchObject({ backend: 'ZUORA', nativeId: '2772' });
    expect(lines[0]).toMatchObject({ backend: null, nativeId: null });
  });
});

describe('CSV', () => {
  it('maps backend and id to the vendor input (K2: serialNumber), typed per the schema', () => {
    const csv = [
      'backend,id,name,status,concurrentLimit,tags,priority,isRead,action,processDataFields,state,description',
      'ZUORA,2771,Renamed,Stopped,5,"[""a"",""b""]",,,,,,',
      'ibm_bpm,_TKI:a01,,,,,7,TRUE,,,,via csv',
      'k2,12_8,,,,,,,Approve,"{""Amount"":""10""}",,',
      'SuperOffice,103,,,,,,,,,Started,',
    ].join('\n');
    expect(parseCsv(csv)).toEqual([
      { kind: 'item', line: 2, backend: 'ZUORA', nativeId: '2771', item: { zuora: { id: '2771', name: 'Renamed', status: 'Stopped', concurrentLimit: 5, tags: ['a', 'b'] } } },
      { kind: 'item', line: 3, backend: 'IBM_BPM', nativeId: '_TKI:a01', item: { ibmBpm: { id: '_TKI:a01', priority: 7, isRead: true, description: 'via csv' } } },
      { kind: 'item', line: 4, backend: 'K2', nativeId: '12_8', item: { k2: { serialNumber: '12_8', action: 'Approve', processDataFields: [{ key: 'Amount', value: '10' }] } } },
      { kind: 'item', line: 5, backend: 'SUPEROFFICE', nativeId: '103', item: { superOffice: { id: '103', state: 'Started' } } },
    ]);
  });

  it('keeps the start line of a record whose quoted cell spans lines, across skipped blank lines', () => {
    const lines = parseCsv('backend,id,description\n\nIBM_BPM,_TKI:1,"two\nlines"\n\n\nSUPEROFFICE,104,x');
    expect(lines.map((l) => l.line)).toEqual([3, 7]);
    expect(lines[0]).toMatchObject({ item: { ibmBpm: { description: 'two\nlines' } } });
  });

  it('counts lines exactly with CRLF line ends too (Excel writes them)', () => {
    const lines = parseCsv('backend,id,description\r\n\r\nIBM_BPM,_TKI:1,"two\r\nlines"\r\nSUPEROFFICE,104,x\r\n\r\nSUPEROFFICE,105,y\r\n');
    expect(lines.map((l) => l.line)).toEqual([3, 5, 7]);
    expect(lines[0]).toMatchObject({ item: { ibmBpm: { description: 'two\nlines' } } });
    expect(lines[1]).toMatchObject({ item: { superOffice: { description: 'x' } } });
  });

  it('refuses bad rows one by one, naming the column, and never drops one', () => {
    const lines = parseCsv([
      'backend,id,name,tags,action,concurrentLimit',
      'JIRA,1,,,,',
      'K2,12_8,Renamed,,Approve,',
      'ZUORA,2771,,[oops,,',
      'ZUORA,2772',
      'ZUORA,,x,,,',
      'ZUORA,2773,,,,many',
      ',,,,,',
    ].join('\n'));
    expect(invalid(lines)).toEqual([
      [2, "column backend: 'JIRA' is not one of IBM_BPM, K2, SUPEROFFICE, ZUORA"],
      [3, 'column name: K2 has no such field; leave it empty on K2 rows'],
      [4, 'column tags: not valid JSON (write ["a","b"])'],
      [5, 'has 2 fields; the header has 6 (every row has every column, empty or not)'],
      [6, 'column id: empty (the ZUORA id is required)'],
      [7, 'zuora.concurrentLimit: Int cannot represent non-integer value: "many"'],
      [8, "column backend: '' is not one of IBM_BPM, K2, SUPEROFFICE, ZUORA"],
    ]);
    expect(lines[1]).toMatchObject({ backend: 'K2', nativeId: '12_8' });
    expect(lines[3]).toMatchObject({ backend: 'ZUORA', nativeId: '2772' });
  });

  it('refuses the whole file for a bad header or broken quoting', () => {
    expect(() => parseCsv('backend,id,nmae\nZUORA,1,x')).toThrow(/unknown column 'nmae'/);
    expect(() => parseCsv('backend,name\nZUORA,x')).toThrow(/must have the columns backend and id/);
    expect(() => parseCsv('backend,id,name,Name\n')).toThrow(/column 'name' appears twice/);
    expect(() => parseCsv('backend,id,serialNumber\n')).toThrow(InputFileError);
    expect(() => parseCsv('backend,id,name\nZUORA,1,"x"y\nZUORA,2,z')).toThrow(/CSV syntax error at line 2/);
  });
});

describe('the file', () => {
  it('takes its format from the extension or --format', () => {
    expect(formatOf('a/b.JSONL')).toBe('jsonl');
    expect(formatOf('b.ndjson')).toBe('jsonl');
    expect(formatOf('b.csv')).toBe('csv');
    expect(formatOf('b.txt', 'csv')).toBe('csv');
    expect(() => formatOf('b.txt')).toThrow(/pass --format jsonl or --format csv/);
    expect(() => formatOf('b.csv', 'xml')).toThrow(/--format must be jsonl or csv/);
  });

  it('must be UTF-8', () => {
    expect(() => decodeUtf8(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/);
  });

  // A file past the longest string Node holds (~512 MB) fails to decode too; building one here would take
  // that much memory, so the decoder's refusal is stood in for.
  it('a file too long to decode is called too large, not "not UTF-8"', () => {
    vi.stubGlobal('TextDecoder', class { decode(): string { throw Object.assign(new Error('Cannot create a string longer than 0x1fffffe8 characters'), { code: 'ERR_STRING_TOO_LONG' }); } });
    try {
      expect(() => decodeUtf8(Buffer.from('{}'))).toThrow(/too large to read at once \(2 bytes\): split it/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
