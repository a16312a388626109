import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/safe-text.js';
import type { ZuoraTaskUpdate } from '../../src/vendors/zuora/model.js';
import {
  errorFromResponse, firstVendorError, isValidZuoraId, isZuoraNotFound, notFoundOutcome, parseJson, refusedExistingOutcome, toAccessToken, toTaskPage,
  toUpdateTask, toUpdatedById, toZuoraTask, tokenError, unconfirmedOutcome, validateZuoraUpdate, zuoraStatus,
} from '../../src/vendors/zuora/mapping.js';
import { tokenReuseMs } from '../../src/vendors/zuora/client.js';

const caught = (fn: () => unknown) => { try { fn(); } catch (e) { return e as { code: string; retryable: boolean; message: string }; } throw new Error('did not throw'); };

describe('Zuora status mapping (contract §4)', () => {
  it.each([
    ['Queued', 'READY'], ['Processing', 'IN_PROGRESS'], ['Pending', 'WAITING'], ['Success', 'COMPLETED'],
    ['Error', 'FAILED'], ['Stopped', 'CANCELLED'],
    // Case-sensitive on the wire: anything else, including other casings, is UNKNOWN.
    ['success', 'UNKNOWN'], ['Cancelled', 'UNKNOWN'], ['toString', 'UNKNOWN'], [null, 'UNKNOWN'],
  ] as const)('%s → %s, keeping the raw word', (raw, status) => {
    expect(zuoraStatus(raw)).toBe(status);
    const task = toZuoraTask({ id: 1, status: raw });
    expect(task.status).toBe(status);
    expect(task.vendorStatus).toBe(raw);
  });
});

describe('toZuoraTask', () => {
  it('maps every documented field, description and priority null', () => {
    const task = toZuoraTask({
      id: 2771, task_id: 2770, name: 'If', action_type: 'If', call_type: 'SOAP', concurrent_limit: 5, status: 'Error',
      instance: true, object: 'Invoice', object_id: 'abc', original_task_id: 1771, original_workflow_id: 475, workflow_id: 476,
      tags: ['a', 'b'], start_time: '2026-01-01T00:00:00.000Z', end_time: '2026-01-01T00:00:01.000Z', error: 'boom',
      error_class: 'X::Error', error_details: 'details', parameters: { if_clause: 'x' }, data: { Workflow: {} },
    });
    expect(task).toEqual({
      backend: 'ZUORA', nativeId: '2771', id: 2771, parentTaskId: 2770, name: 'If', status: 'FAILED', vendorStatus: 'Error',
      description: null, priority: null, actionType: 'If', callType: 'SOAP', concurrentLimit: 5, object: 'Invoice', objectId: 'abc',
      tags: ['a', 'b'], workflowId: 476, instance: true, originalTaskId: 1771, originalWorkflowId: 475,
      startTime: '2026-01-01T00:00:00.000Z', endTime: '2026-01-01T00:00:01.000Z', error: 'boom', errorClass: 'X::Error',
      errorDetails: 'details', parameters: { if_clause: 'x' }, data: { Workflow: {} },
    });
  });

  it('treats absent optional fields as null and refuses an entry without an id', () => {
    const task = toZuoraTask({ id: '42' });
    expect(task).toMatchObject({ nativeId: '42', name: null, parentTaskId: null, tags: [], workflowId: null, status: 'UNKNOWN' });
    expect(caught(() => toZuoraTask({ name: 'x' })).code).toBe('BACKEND_UNAVAILABLE');
    expect(caught(() => toZuoraTask('garbage')).code).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('list and batch_update replies', () => {
  it('reads next_page only as present or absent (it points at another host)', () => {
    expect(toTaskPage({ data: [{ id: 1 }], pagination: { next_page: 'https://rest.zuora.com/workflows/tasks?page=2&page_length=1' } }).hasNextPage).toBe(true);
    expect(toTaskPage({ data: [{ id: 1 }], pagination: { page: 3, page_length: 1 } }).hasNextPage).toBe(false);
    expect(toTaskPage({ data: [], pagination: { next_page: null } }).hasNextPage).toBe(false);
    expect(toTaskPage({ data: [] }).hasNextPage).toBe(false);
    expect(caught(() => toTaskPage({ pagination: {} })).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('indexes batch_update data by id, accepting null pagination, skipping entries without id', () => {
    const byId = toUpdatedById(JSON.stringify({ data: [{ id: 7, name: 'b' }, { name: 'no id' }, { id: 3 }], pagination: { page: null, page_length: null } }));
    expect([...byId.keys()]).toEqual([7, 3]);
    expect(byId.get(7)).toEqual({ id: 7, name: 'b' });
  });

  it('an unreadable 200 confirms nothing: OUTCOME_UNKNOWN, retryable because PUT sets values', () => {
    for (const text of ['', '\u0000<{{garbage]]', '{"data":{}}', '[]']) {
      const err = caught(() => toUpdatedById(text));
      expect(err.code).toBe('OUTCOME_UNKNOWN');
      expect(err.retryable).toBe(true);
    }
  });

  it('parseJson turns a garbled body into BACKEND_UNAVAILABLE', () => {
    expect(caught(() => parseJson('{"data":[', 200)).code).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('toUpdateTask', () => {
  it('sends snake_case with an int id and leaves out absent and null fields', () => {
    expect(toUpdateTask({
      id: '2771', name: 'n', status: 'Stopped', tags: ['x'], concurrentLimit: 3, object: 'Invoice', objectId: 'o1',
      actionType: 'If', callType: 'SOAP', workflowId: 476,
    })).toEqual({
      id: 2771, name: 'n', status: 'Stopped', tags: ['x'], concurrent_limit: 3, object: 'Invoice', object_id: 'o1',
      action_type: 'If', call_type: 'SOAP', workflow_id: 476,
    });
    expect(toUpdateTask({ id: '5', name: null, tags: [] } as unknown as ZuoraTaskUpdate)).toEqual({ id: 5, tags: [] });
  });
});

describe('ids and validation', () => {
  it.each([['1', true], ['2771', true], ['999999999999999', true], ['0', false], ['01', false], ['-1', false], ['1.5', false],
    ['1e3', false], ['', false], [' 1', false], ['../1', false], ['1234567890123456', false], ['٣', false]] as const)(
    'isValidZuoraId(%j) = %s', (id, ok) => expect(isValidZuoraId(id)).toBe(ok));

  it.each([
    [{ id: '1', name: 'ok' }, null],
    [{ id: '1', tags: [] }, null],
    [{ id: '1', concurrentLimit: 1 }, null],
    [{ id: '1', concurrentLimit: 9_999_999 }, null],
    [{ id: 'abc', name: 'x' }, /id must be/],
    // A positive integer all the same: the message must say what the rule is.
    [{ id: '9999999999999999', name: 'x' }, /at most 15 digits/],
    [{ id: '1' }, /nothing to update/],
    [{ id: '1', name: null }, /nothing to update/],
    [{ id: '1', concurrentLimit: 0 }, /concurrentLimit/],
    [{ id: '1', concurrentLimit: 10_000_000 }, /concurrentLimit/],
    [{ id: '1', concurrentLimit: 2.5 }, /concurrentLimit/],
    [{ id: '1', workflowId: 0 }, /workflowId/],
    [{ id: '1', workflowId: 1.5 }, /workflowId/],
    [{ id: '1', tags: ['a', ' '] }, /tags/],
    [{ id: '1', name: '  ' }, /name must be a non-empty/],
    [{ id: '1', objectId: '' }, /objectId/],
    [{ id: '1', callType: '' }, /callType/],
    [{ id: '1', status: 'Done' }, /status must be one of/],
  ] as const)('validateZuoraUpdate(%j)', (update, expected) => {
    const problem = validateZuoraUpdate(update as unknown as ZuoraTaskUpdate);
    if (expected === null) expect(problem).toBeNull(); else expect(problem).toMatch(expected);
  });
});

describe('vendor errors → domain errors', () => {
  const body = (status: string | number, title = 'bad thing', code = 'invalid') => JSON.stringify({ Errors: [{ code, status, title }] });

  it('reads Errors[].status as int or string', () => {
    expect(firstVendorError(body(400))).toEqual({ code: 'invalid', title: 'bad thing' });
    expect(firstVendorError(body('400'))).toEqual({ code: 'invalid', title: 'bad thing' });
    expect(firstVendorError(JSON.stringify({ errors: [{ code: 'c', status: 400, title: 't' }] }))).toEqual({ code: 'c', title: 't' });
    expect(firstVendorError('<html>')).toEqual({});
  });

  it.each([
    [400, 'REJECTED', false], [403, 'PERMISSION_DENIED', false], [404, 'NOT_FOUND', false], [401, 'BACKEND_AUTH_FAILED', false],
    [429, 'BACKEND_UNAVAILABLE', true], [500, 'BACKEND_UNAVAILABLE', true], [503, 'BACKEND_UNAVAILABLE', true],
  ] as const)('HTTP %i → %s', (status, code, retryable) => {
    const err = errorFromResponse(status, body(String(status), 'Task concurrency out of range', 'invalid'));
    expect(err).toMatchObject({ code, retryable, status, vendorCode: 'invalid' });
  });

  it('a 400 carries the vendor title; a body without Errors still maps by status', () => {
    expect(errorFromResponse(400, body(400, '`concurrent_limit` must be between 1 and 9999999')).message)
      .toContain('`concurrent_limit` must be between 1 and 9999999');
    expect(errorFromResponse(400, 'not json')).toMatchObject({ code: 'REJECTED', vendorCode: undefined });
  });

  it('keeps vendor text to one bounded line (as shown: made safe at the client boundary, src/safe-text.ts)', () => {
    const err = errorFromResponse(400, body(400, `line1\nline2\u0000${'x'.repeat(500)}`));
    const shown = safeText(err.message);
    expect(shown).not.toMatch(/[\n\u0000]/);
    expect(shown.length).toBeLessThan(260);
  });

  it('token endpoint: refused credentials are AUTH_FAILED, 429/5xx/404 are UNAVAILABLE', () => {
    expect(tokenError(400).code).toBe('BACKEND_AUTH_FAILED');
    expect(tokenError(401).code).toBe('BACKEND_AUTH_FAILED');
    expect(tokenError(403).code).toBe('BACKEND_AUTH_FAILED');
    expect(tokenError(404).code).toBe('BACKEND_UNAVAILABLE');
    expect(tokenError(429)).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(tokenError(503)).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
  });

  it("a 404 is Zuora's not-found only with its Errors document; a gateway's 404 is BACKEND_UNAVAILABLE", () => {
    expect(isZuoraNotFound(404, body(404, 'Task 9 not found', 'not_found'))).toBe(true);
    expect(errorFromResponse(404, body(404, 'Task 9 not found', 'not_found'))).toMatchObject({ code: 'NOT_FOUND' });
    for (const text of ['', '<html>404 Not Found</html>', '{}']) {
      expect(isZuoraNotFound(404, text)).toBe(false);
      expect(errorFromResponse(404, text)).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    }
  });

  it('per-item outcomes', () => {
    expect(notFoundOutcome('9')).toEqual({ kind: 'ERROR', code: 'NOT_FOUND', message: 'Zuora has no task 9', retryable: false });
    expect(refusedExistingOutcome('9', errorFromResponse(404, body(404, 'nope', 'not_found'))))
      .toMatchObject({ kind: 'ERROR', code: 'REJECTED', vendorCode: 'not_found', retryable: false });
    expect(unconfirmedOutcome('9')).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: true });
  });
});

describe('access token', () => {
  it('reads the token reply and defaults a missing expires_in to the documented 3599 s', () => {
    expect(toAccessToken(JSON.stringify({ access_token: 'abc', expires_in: 60, token_type: 'bearer' }))).toEqual({ accessToken: 'abc', expiresIn: 60 });
    expect(toAccessToken(JSON.stringify({ access_token: 'abc' })).expiresIn).toBe(3599);
    expect(caught(() => toAccessToken(JSON.stringify({ token_type: 'bearer' }))).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('reuses a token until 300 s before expiry, or a tenth of its life when shorter', () => {
    expect(tokenReuseMs(3599)).toBe(3299_000);
    expect(tokenReuseMs(1000)).toBe(900_000);
    expect(tokenReuseMs(60)).toBe(54_000);
  });
});
