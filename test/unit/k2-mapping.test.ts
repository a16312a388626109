import { afterAll, describe, expect, it } from 'vitest';
import { safeText } from '../../src/safe-text.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { K2Client } from '../../src/vendors/k2/client.js';
import {
  failureToOutcome, interpretGetOne, interpretList, k2CodeOf, k2Status, parseK2, toK2Task, updateTasksXml,
} from '../../src/vendors/k2/mapping.js';
import type { K2WireTask } from '../../src/vendors/k2/wire.js';
import { BackendError } from '../../src/errors.js';

// The Task sample of vendors.md §3.4 (K4), namespaces and all.
const SAMPLE_TASK = `<Task SerialNumber="12_8">
    <ProcessName>Expense Claim</ProcessName><StartDate>2011-07-07T06:09:06.063Z</StartDate>
    <ProcessFullName>Finance\\Expense Claim</ProcessFullName><ProcessFolio>EXP-1 Lyon</ProcessFolio>
    <ActivityName>Manager Approval</ActivityName><Priority>1</Priority><Status>Available</Status>
    <Originator>K2:DENALLIX\\administrator</Originator><Data>http://k2/Form?SN=12_8</Data>
    <Action Name="Approved" Batchable="true"/><Action Name="Rework" Batchable="false"/>
    <ProcessDataField xmlns="http://schemas.k2.com/process/d1" Name="Amount">0012.50</ProcessDataField>
    <ActivityDataField xmlns="http://schemas.k2.com/process/d1" Name="Comment"/>
  </Task>`;
const COLLECTION = `<?xml version="1.0" encoding="utf-8"?>
<TaskCollection xmlns="http://schemas.k2.com/task/d1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  ${SAMPLE_TASK}
</TaskCollection>`;
const wireTask = (xml: string) => (parseK2(xml).Task as K2WireTask[])[0]!;
const failure = (attrs: string, inner = '') => `<Failure xmlns="http://schemas.k2.com/framework/d1" ${attrs}>${inner}</Failure>`;

describe('K2 status (contract §4)', () => {
  it.each([
    ['Available', 'READY'], ['Open', 'IN_PROGRESS'], ['Allocated', 'IN_PROGRESS'], ['Sleep', 'SUSPENDED'],
    ['Completed', 'UNKNOWN'], ['', 'UNKNOWN'], ['toString', 'UNKNOWN'],
  ])('%s → %s, vendorStatus kept raw', (raw, status) => {
    expect(k2Status(raw)).toBe(status);
    const task = toK2Task(wireTask(`<Task SerialNumber="1_1"><Status>${raw}</Status></Task>`));
    expect(task.status).toBe(status);
    expect(task.vendorStatus).toBe(raw === '' ? null : raw);
  });

  it('reads Status given as an attribute (the Worklist item shape)', () => {
    expect(toK2Task(wireTask('<Task SerialNumber="1_1" Status="Sleep"/>')).status).toBe('SUSPENDED');
  });
});

describe('K2 task mapping', () => {
  it('maps the documented Task XML', () => {
    const [task] = interpretList(200, COLLECTION) as ReturnType<typeof toK2Task>[];
    expect(task).toMatchObject({
      backend: 'K2', nativeId: '12_8', serialNumber: '12_8', name: 'Manager Approval', description: 'EXP-1 Lyon',
      priority: 1, status: 'READY', vendorStatus: 'Available', processName: 'Expense Claim',
      processFullName: 'Finance\\Expense Claim', folio: 'EXP-1 Lyon', startDate: '2011-07-07T06:09:06.063Z',
      originator: 'K2:DENALLIX\\administrator', data: 'http://k2/Form?SN=12_8',
      actions: [{ name: 'Approved', batchable: true }, { name: 'Rework', batchable: false }],
      // parseTagValue off: "0012.50" stays as K2 wrote it
      processDataFields: [{ key: 'Amount', value: '0012.50' }],
      activityDataFields: [{ key: 'Comment', value: '' }],
    });
  });

  it('names the task after the process when the activity name is empty', () => {
    const task = toK2Task(wireTask('<Task SerialNumber="1_1"><ProcessName>Leave Request</ProcessName><ActivityName/></Task>'));
    expect(task.name).toBe('Leave Request');
    expect(task.description).toBeNull();
    expect(task.priority).toBeNull();
  });

  it('keeps serial numbers with leading zeros as strings', () => {
    expect(toK2Task(wireTask('<Task SerialNumber="00123_01"/>')).serialNumber).toBe('00123_01');
  });
});

describe('K2 reads', () => {
  it('accepts a single Task element and a TaskCollection around it', () => {
    expect(interpretGetOne(200, SAMPLE_TASK, '12_8')).toMatchObject({ serialNumber: '12_8' });
    expect(interpretGetOne(200, COLLECTION, '12_8')).toMatchObject({ serialNumber: '12_8' });
    expect(interpretGetOne(200, `\uFEFF${COLLECTION}`, '12_8')).toMatchObject({ serialNumber: '12_8' });
  });

  it('inspects the body of a Failure whatever the HTTP status: 26030 is "not found"', () => {
    const body = failure('Code="26030"', '<Message>26030 Worklist item 9_9 not found for K2:DENALLIX\\x at 10.0.0.1:5252</Message>');
    expect(interpretGetOne(200, body, '9_9')).toBeNull();
    expect(interpretGetOne(404, body, '9_9')).toBeNull();
    expect(interpretGetOne(200, '<TaskCollection xmlns="http://schemas.k2.com/task/d1"/>', '9_9')).toBeNull();
  });

  it('a 26030 on a write says the item may be held by another user, as K2 answers both cases so', () => {
    const wire = parseK2(failure('Code="26030"', '<Message>26030 Worklist item 15_3 not found for K2:DENALLIX\\x at 10.0.0.1:5252</Message>')).Failure![0]!;
    const out = failureToOutcome(wire);
    expect(out).toMatchObject({ code: 'NOT_FOUND', vendorCode: '26030', message: expect.stringMatching(/does not exist, or another user holds it/) });
  });

  it('turns 24411 (Code -1, number in Message) into PERMISSION_DENIED', () => {
    const r = interpretGetOne(200, failure('Code="-1"', '<Message>24411 K2:DENALLIX\\Bob from 1.2.3.4:49 is not allowed to open the worklist item with SN=2_34</Message>'), '2_34');
    expect(r).toBeInstanceOf(BackendError);
    expect(r).toMatchObject({ code: 'PERMISSION_DENIED', vendorCode: '24411' });
  });

  it('refuses garbage, a different task and error statuses', () => {
    expect(interpretGetOne(200, '\u0000<{{garbage]]', '1_1')).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(interpretGetOne(200, '<Task SerialNumber="7_7"/>', '1_1')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: false });
    expect(interpretGetOne(401, '', '1_1')).toMatchObject({ code: 'BACKEND_AUTH_FAILED' });
    expect(interpretGetOne(503, '', '1_1')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    // A 404 without a K2 Failure never reached the Task service: not "no such item".
    expect(interpretGetOne(404, '', '1_1')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(interpretGetOne(404, '<html>404 Not Found</html>', '1_1')).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(interpretList(200, '')).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(interpretList(200, '<!DOCTYPE x><TaskCollection/>')).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });
});

describe('K2 failure codes and messages', () => {
  const f = (xml: string) => parseK2(xml).Failure![0]!;
  it('takes Code unless it is -1, else the number leading Message; elements or attributes', () => {
    expect(k2CodeOf(f(failure('Code="26030"', '<Message>whatever</Message>')))).toBe('26030');
    expect(k2CodeOf(f(failure('Code="-1"', '<Message>24411 K2:X is not allowed</Message>')))).toBe('24411');
    expect(k2CodeOf(f(failure('Code="-1" Message="26030 Worklist item 1_1 not found"')))).toBe('26030');
    expect(k2CodeOf(f(failure('Code="-1"', '<Message>no number</Message>')))).toBe('-1');
  });

  it('keeps only a bounded first line, without URLs, for people to read', () => {
    const text = safeText('24411 denied at https://k2.example.com/secret?token=abc\n   at SourceCode.Workflow.Open()\n', [], 60);
    expect(text).toBe('24411 denied at [url]');
    expect(safeText('x'.repeat(500)).length).toBe(300);
  });
});

describe('K2 UpdateTasks body', () => {
  it('declares both namespaces and writes one UpdateTask per item with its Action prefix', () => {
    const xml = updateTasksXml([
      { id: '1000', update: { serialNumber: '1_34', action: 'Rework' } },
      { id: '1001', update: { serialNumber: '2_34', redirectTo: 'DENALLIX\\Joe' } },
      { id: '1002', update: { serialNumber: '3_34', delegateTo: 'K2:DENALLIX\\Ann' } },
      { id: '1003', update: { serialNumber: '4_34', sleepSeconds: -1 } },
    ]);
    expect(xml).toContain('<t:UpdateTaskCollection xmlns:t="http://schemas.k2.com/task/d1" xmlns:p="http://schemas.k2.com/process/d1">');
    const items = (parseK2(xml) as { UpdateTaskCollection: { UpdateTask: Array<Record<string, string>> } }).UpdateTaskCollection.UpdateTask;
    expect(items.map((u) => [u['@_ID'], u['@_Action']])).toEqual([
      ['1000', 'a:Rework'], ['1001', 'r:DENALLIX\\Joe'], ['1002', 'd:K2:DENALLIX\\Ann'], ['1003', 's:-1'],
    ]);
  });

  it.each([
    ['markup', `<b a="1">&amp;'x'</b>`], ['doctype', '<!DOCTYPE x [<!ENTITY e "boom">]>&e;'], ['cdata', '<![CDATA[ ]]> ]]>'],
    ['unicode', 'Zoë 😀 中文'], ['whitespace', '  \r\n\tpadded\r  '], ['literal true', 'true'], ['empty', ''],
  ])('carries %s byte-exact in names and values', (_label, value) => {
    const xml = updateTasksXml([{ id: '1000', update: {
      serialNumber: '1_1', action: value === '' ? 'x' : value,
      processXmlFields: [{ key: value === '' ? 'n' : value, value }],
    } }]);
    const u = (parseK2(xml) as any).UpdateTaskCollection.UpdateTask[0];
    expect(u['@_Action']).toBe(`a:${value === '' ? 'x' : value}`);
    expect(u.Task[0].ProcessXmlField[0]['@_Name']).toBe(value === '' ? 'n' : value);
    expect(u.Task[0].ProcessXmlField[0]['#text'] ?? '').toBe(value);
  });
});

describe('K2 validateUpdate', () => {
  const client = new K2Client({ baseUrl: 'http://127.0.0.1:9/K2Services/SyncREST.svc', policy: DEFAULT_TRAFFIC_POLICY, username: 'u', password: 'p' });
  afterAll(() => client.close());

  it.each([
    [{ serialNumber: '12_8', action: 'Approve' }, null],
    [{ serialNumber: '12_8', sleepSeconds: 0 }, null],
    [{ serialNumber: '12_8', sleepSeconds: -1, processDataFields: [{ key: 'a', value: '\r\n\t<x>' }] }, null],
    [{ serialNumber: '12-8', action: 'Approve' }, /serialNumber/],
    [{ serialNumber: '12_8' }, /give exactly one of action, redirectTo, delegateTo, sleepSeconds; got none/],
    [{ serialNumber: '12_8', action: 'A', redirectTo: 'B' }, /; got action and redirectTo$/],
    [{ serialNumber: '12_8', action: 'A', delegateTo: 'B', sleepSeconds: 1 }, /got action, delegateTo and sleepSeconds/],
    [{ serialNumber: '12_8', action: '  ' }, /action must not be empty/],
    [{ serialNumber: '12_8', redirectTo: 'K2:X\nY' }, /control characters/],
    [{ serialNumber: '12_8', sleepSeconds: 1.5 }, /whole number/],
    [{ serialNumber: '12_8', action: 'A', activityDataFields: [{ key: '', value: 'v' }] }, /activityDataFields: a field name is empty/],
    [{ serialNumber: '12_8', action: 'A', processXmlFields: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] }, /given twice/],
    [{ serialNumber: '12_8', action: 'A', processDataFields: [{ key: 'k', value: 'bell\u0007' }] }, /XML cannot carry/],
  ])('%o → %s', (update, expected) => {
    const why = client.validateUpdate(update);
    if (expected === null) expect(why).toBeNull();
    else expect(why).toMatch(expected);
  });
});
