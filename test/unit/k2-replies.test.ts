import { describe, expect, it } from 'vitest';
import { interpretUpdateReply } from '../../src/vendors/k2/mapping.js';

const IDS = ['1000', '1001'];
const FW = 'xmlns="http://schemas.k2.com/framework/d1"';

// The vendor page's return example, verbatim: Failure listed before Success, Code="-1", number in Message.
const VENDOR_EXAMPLE = `<?xml version="1.0" encoding="utf-8"?>
<MultipleOperationResult ${FW} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
 <Failure ID="1001" Code="-1">
  <Message>24411 K2:DENALLIX\\Bob from 192.168.1.110:49 is not allowed to open the worklist item with SN=2_34</Message>
  <Description>client- failure</Description>
 </Failure>
 <Success ID="1000"/>
</MultipleOperationResult>`;

describe('K2 UpdateTasks replies', () => {
  it('maps the vendor example by ID, not by position', () => {
    const [first, second] = interpretUpdateReply(200, VENDOR_EXAMPLE, IDS);
    expect(first).toEqual({ kind: 'UPDATED' });
    expect(second).toMatchObject({ kind: 'ERROR', code: 'PERMISSION_DENIED', vendorCode: '24411', retryable: false });
    expect((second as { message: string }).message).toContain('not allowed to open the worklist item with SN=2_34');
  });

  it('reads Message and Description given as attributes, and Code when it is not -1', () => {
    const body = `<MultipleOperationResult ${FW}>
      <Failure ID="1000" Code="26030" Message="Worklist item 1_1 not found for K2:X at 1.2.3.4:5252" Description="client- failure"/>
      <Failure ID="1001" Code="-1" Description="26036 Action 'Rework' is not batchable"/></MultipleOperationResult>`;
    const [a, b] = interpretUpdateReply(200, body, IDS);
    expect(a).toMatchObject({ code: 'NOT_FOUND', vendorCode: '26030', retryable: false });
    expect(a).toMatchObject({ message: expect.stringContaining('Worklist item 1_1 not found') });
    expect(b).toMatchObject({ code: 'REJECTED', vendorCode: '26036', message: expect.stringContaining('not batchable') });
  });

  it('treats an empty 200 as taken but unconfirmed: ACCEPTED for every item', () => {
    for (const body of ['', '  \r\n']) {
      const out = interpretUpdateReply(200, body, IDS);
      expect(out).toHaveLength(2);
      for (const o of out) expect(o).toMatchObject({ kind: 'ACCEPTED', message: expect.stringMatching(/did not confirm/) });
    }
  });

  it('treats 202 (K2 answering a JSON body) as not applied', () => {
    for (const o of interpretUpdateReply(202, '', IDS)) expect(o).toMatchObject({ kind: 'ERROR', code: 'REJECTED', retryable: false });
  });

  it('gives OUTCOME_UNKNOWN to an item the reply leaves out, and ignores IDs it never sent', () => {
    const body = `<MultipleOperationResult ${FW}><Success ID="1000"/><Success ID="1005"/><Failure ID="77" Code="26030"/></MultipleOperationResult>`;
    expect(interpretUpdateReply(200, body, IDS)).toEqual([
      { kind: 'UPDATED' }, expect.objectContaining({ code: 'OUTCOME_UNKNOWN', retryable: false }),
    ]);
    expect(interpretUpdateReply(200, `<MultipleOperationResult ${FW}/>`, IDS).map((o) => 'code' in o && o.code))
      .toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
  });

  it('does not confirm an item reported both ways', () => {
    const body = `<MultipleOperationResult ${FW}><Success ID="1000"/><Failure ID="1000" Code="26030"/><Success ID="1001"/></MultipleOperationResult>`;
    expect(interpretUpdateReply(200, body, IDS).map((o) => ('code' in o ? o.code : o.kind))).toEqual(['OUTCOME_UNKNOWN', 'UPDATED']);
  });

  it('accepts bare Success/Failure at the root (UpdateTask-style reply)', () => {
    expect(interpretUpdateReply(200, `<Success ${FW} ID="1000"/>`, ['1000'])).toEqual([{ kind: 'UPDATED' }]);
  });

  it('applies a Failure without ID to every item the reply does not otherwise answer', () => {
    const body = `<Failure ${FW} Code="-1"><Message>24411 K2:X is not allowed to open the worklist item</Message></Failure>`;
    for (const o of interpretUpdateReply(200, body, IDS)) expect(o).toMatchObject({ code: 'PERMISSION_DENIED', vendorCode: '24411' });
  });

  it('never confirms anything from garbage or a truncated document', () => {
    for (const body of ['\u0000<{{garbage]]', `<MultipleOperationResult ${FW}><Success ID="1000"/><Succ`, '{"ok":true}']) {
      for (const o of interpretUpdateReply(200, body, IDS)) expect(o).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
    }
  });

  it.each([
    [401, 'BACKEND_AUTH_FAILED', false], [403, 'PERMISSION_DENIED', false], [500, 'OUTCOME_UNKNOWN', false],
    [503, 'OUTCOME_UNKNOWN', false], [400, 'REJECTED', false], [415, 'REJECTED', false], [404, 'BACKEND_UNAVAILABLE', false],
    [429, 'BACKEND_UNAVAILABLE', true], [302, 'BACKEND_UNAVAILABLE', false],
  ])('HTTP %i → %s (retryable %s) for every item', (status, code, retryable) => {
    const out = interpretUpdateReply(status, '<html>IIS error page</html>', IDS);
    expect(out).toHaveLength(2);
    for (const o of out) expect(o).toMatchObject({ kind: 'ERROR', code, retryable });
  });

  it('a 5xx is OUTCOME_UNKNOWN even when its body claims success', () => {
    expect(interpretUpdateReply(500, `<Success ${FW} ID="1000"/>`, ['1000'])).toMatchObject([{ code: 'OUTCOME_UNKNOWN' }]);
  });
});
